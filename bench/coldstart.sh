#!/usr/bin/env bash
# Cold start: process start to the first 200 for a 5 s clip, our server (Release) against whisper.cpp's
# whisper-server on the same model, interleaved; listening time, first answer, a warm answer, peak RSS.
# Writes bench/results/coldstart.md (coldstart-SIZE.md for BENCH_SIZE=base|small) with a .json twin, and
# prints it.   bench/coldstart.sh [--reps 5]
#   BENCH_SIZE=tiny    the synthetic model's dimensions: tiny, base or small (real whisper dimensions, random weights)
#   BENCH_MODEL=path   a ggml model instead (the report names its size from the file's header)
#   BENCH_OUT=path.md  the report's path instead of the default above (the .json goes next to it)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_size
bench_prepare "$size" "$(bench_size_description "$size")"
bench_speech_audio
[ -x "$REPO_ROOT/.native/whisper-server" ] || die "whisper-server is missing from .native/ (scripts/build-whisper.sh builds it)"
dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" coldstart \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" --clip "$work/speech-5s.wav" \
  --work "$work" --out "$(bench_out coldstart)" "$@"
