#!/usr/bin/env bash
# Latency benchmark: the service end to end over HTTP (real server process, warm model) against
# whisper-cli on the same model file, audio and decoding parameters. Writes bench/results/latency.md
# and prints it. Extra arguments go to the bench (e.g. --reps 3 --vad-reps 0 --small 10).
#   BENCH_MODEL=path   a ggml model to use instead of the generated synthetic tiny model
#   BENCH_THREADS=N    threads for both sides (default 1: ggml's spinning barriers slow down many
#                      times when other work takes a core, which makes N > 1 unmeasurable on a
#                      shared machine; use BENCH_THREADS=$(nproc) on an idle one)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_prepare tiny "tiny's real dimensions, random weights: realistic compute, meaningless text"

bench_speech_audio
# The 60 s MP3 decoded exactly as the service decodes it (its bundled ffmpeg, 16 kHz mono float),
# in a float WAV that whisper-cli reads without conversion.
if [ ! -f "$work/speech-60s.mp3.f32.wav" ]; then
  "$REPO_ROOT/.native/ffmpeg" -hide_banner -loglevel error -nostdin -y -i "$work/speech-60s.mp3" -map 0:a:0 \
    -ac 1 -ar 16000 -c:a pcm_f32le "$work/speech-60s.mp3.f32.wav"
fi

dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" \
  --vad-model "$REPO_ROOT/models/ggml-silero-v6.2.0.bin" \
  --wav60 "$work/speech-60s.wav" --mp360 "$work/speech-60s.mp3" --mp360-pcm "$work/speech-60s.mp3.f32.wav" \
  --wav5 "$work/speech-5s.wav" --mp35 "$work/speech-5s.mp3" \
  --threads "${BENCH_THREADS:-1}" --work "$work" --out "$REPO_ROOT/bench/results/latency.md" "$@"
