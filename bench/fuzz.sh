#!/usr/bin/env bash
# Long mutation-fuzzing run: the fuzz tests of tests/SpeechToText.Tests/Hostile with large counts, through
# ./test.sh (so prerequisites and the build are the usual ones). Deterministic: the same seed gives the
# same inputs, and a failure names its input index. Not part of ./test.sh's default run.
#   bench/fuzz.sh [--count N] [--http-count N] [--seed S]
#     --count N       inputs through the real multipart reader, binder and decoder (ffmpeg) in process (10000)
#     --http-count N  inputs over real HTTP to the real server, each decoded one costing a whisper run (1000)
#     --seed S        the run's seed (20261129, the tests' default)
# Prints the summaries (inputs, time, inputs/s, max RSS, counts per status and error code, failures) and
# keeps them in .local/fuzz/report.txt; failing inputs are saved in .local/fuzz/failures/ for minimising.
set -euo pipefail
cd "$(dirname "$0")/.."

count=10000
http_count=1000
seed=20261129
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --http-count) http_count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: bench/fuzz.sh [--count N] [--http-count N] [--seed S]" >&2; exit 2 ;;
  esac
done

out="$PWD/.local/fuzz"
rm -rf "$out" && mkdir -p "$out"
status=0
STT_FUZZ_COUNT="$count" STT_FUZZ_HTTP_COUNT="$http_count" STT_FUZZ_SEED="$seed" \
  STT_FUZZ_REPORT="$out/report.txt" STT_FUZZ_FAILURES="$out/failures" \
  ./test.sh --filter "FullyQualifiedName~SpeechToText.Tests.Hostile.MutationFuzzTests" || status=$?
echo
cat "$out/report.txt" 2>/dev/null || echo "no fuzz report was written (see the test output above)"
exit "$status"
