#!/usr/bin/env bash
# Cold start: process start to the first 200 for a 5 s clip, our server (Release) against whisper.cpp's
# whisper-server on the same model, interleaved; listening time, first answer, a warm answer, peak RSS.
# Writes bench/results/coldstart.md and prints it.   bench/coldstart.sh [--reps 5]
#   BENCH_MODEL=path   a ggml model; default: the synthetic model of tiny's real dimensions
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_prepare tiny "tiny's real dimensions, random weights: realistic compute, meaningless text"
bench_speech_audio
[ -x "$REPO_ROOT/.native/whisper-server" ] || die "whisper-server is missing from .native/ (scripts/build-whisper.sh builds it)"
dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" coldstart \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" --clip "$work/speech-5s.wav" \
  --work "$work" --out "$REPO_ROOT/bench/results/coldstart.md" "$@"
