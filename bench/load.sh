#!/usr/bin/env bash
# Load benchmark: N concurrent clients loop POSTing a 5 s speech clip (WAV) at our server (Release build,
# real process) for D seconds, then the same against whisper.cpp's whisper-server (same build, model, clip
# and thread budget, decoding parameters mirrored). Reports per server: requests ok, throughput (audio s per
# wall s), p50/p99 latency, 429s (honoured, counted apart from errors), other errors, RSS over the run, and
# ours / whisper-server. Writes bench/results/load.md (load-SIZE.md for BENCH_SIZE=base|small) with a .json
# twin, and prints it.
#   bench/load.sh [--clients 4] [--duration 60] [--slots A --threads B | --configs 1x2,2x1] [--queue Q]
#                 [--only ours|peer] [--peer-threads T] [--warmup 1] [--request-timeout 300]
#   BENCH_SIZE=tiny    the synthetic model's dimensions: tiny, base or small (real whisper dimensions, random weights)
#   BENCH_MODEL=path   a ggml model; by default (neither set) a real ggml-*.bin in models/ if there is one, else
#                      the synthetic tiny model
#   BENCH_OUT=path.md  the report's path instead of the default above (the .json goes next to it)
# Larger models need a longer --duration for whisper-server (one request at a time) to complete several requests:
# a 5 s clip costs one 30 s window, about 5.5 s for tiny at 1 thread on this 2-core CPU, ~2 × for base, ~6-9 × for small.
set -euo pipefail
cd "$(dirname "$0")/.."
command_line="bench/load.sh $*"
if [ -z "${BENCH_MODEL:-}" ] && [ -z "${BENCH_SIZE:-}" ]; then
  for candidate in models/ggml-*.bin; do
    case "$candidate" in *silero*|'models/ggml-*.bin') continue ;; esac
    BENCH_MODEL="$PWD/$candidate"
    break
  done
fi
source bench/prepare.sh
bench_size
bench_prepare "$size" "$(bench_size_description "$size")"
bench_speech_audio
[ -x "$REPO_ROOT/.native/whisper-server" ] || die "whisper-server is missing from .native/ (scripts/build-whisper.sh builds it)"
out="$(bench_out load)"

clip="$work/speech-5s.wav"
dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" load \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" \
  --clip "$clip" --clip-seconds "$(soxi -D "$clip")" --work "$work" --out "$out" \
  --command "${BENCH_SIZE:+BENCH_SIZE=$BENCH_SIZE }${BENCH_MODEL:+BENCH_MODEL=$BENCH_MODEL }$command_line" "$@"
