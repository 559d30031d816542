#!/usr/bin/env bash
# Realtime benchmark: the real server (Release) with a synthetic model of tiny's real dimensions (or BENCH_MODEL):
# a 10 s turn's commit → completed time against the same audio posted to /v1/audio/transcriptions (interleaved),
# end of speech → completed with server VAD and audio sent in real time, and how many concurrent real-time
# sessions stay real-time. Writes bench/results/realtime.md and prints it.
#   bench/realtime.sh [--reps 6] [--max-sessions 6]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_prepare tiny "tiny's real dimensions, random weights: realistic compute, meaningless text"
if [ ! -f "$work/realtime-turn-24k.raw" ]; then
  log "making the realtime audio"
  espeak-ng -v en-us -s 160 -w "$work/realtime-phrase.wav" "The quick brown fox jumps over the lazy dog."
  sox "$work/realtime-phrase.wav" -r 24000 -c 1 -b 16 -e signed-integer -t raw "$work/realtime-phrase-24k.raw"
  sox "$work/realtime-phrase.wav" -r 24000 -c 1 -b 16 -e signed-integer -t raw "$work/realtime-turn-24k.raw" pad 0 0.5 repeat 3 trim 0 10
fi
dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" realtime \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" --work "$work" \
  --turn "$work/realtime-turn-24k.raw" --phrase "$work/realtime-phrase-24k.raw" --out "$REPO_ROOT/bench/results/realtime.md" "$@"
