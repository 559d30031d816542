#!/usr/bin/env bash
# Latency benchmark: the service end to end over HTTP (real server process, warm model) against
# whisper-cli on the same model file, audio and decoding parameters, interleaved pair by pair (the order
# alternates per repetition). Reports ratios of medians and the per-repetition ratios (median, min–max).
# Writes bench/results/latency.md (tiny) or latency-SIZE.md (base, small) with a latency*.json twin, and prints it.
#   bench/run.sh [--reps 5] [--vad-reps 1] [--small 12] [--pairs wav-60,mp3-60,mp3pcm-60] [--short-reps N]
#                [--warmup 4] [--cli-warmup 1]
#     --reps N          repetitions of each 60 s pair, VAD off (a 2 % difference needs a pairwise spread below 2 %)
#     --vad-reps N      repetitions of the 60 s pairs with VAD on (0: skip that phase)
#     --small N         5 s WAV and MP3 requests to our server alone, for its time outside the engine
#     --pairs LIST      which ours/whisper-cli pairs: wav-60, mp3-60, mp3pcm-60, wav-5, mp3-5, mp3pcm-5 (mp3pcm:
#                       whisper-cli given the PCM our ffmpeg decodes, so both sides do the same inference)
#     --short-reps N    repetitions of the 5 s pairs (default: --reps)
#     --warmup N        untimed requests before measuring; --cli-warmup 0: read the model file instead of one cli run
#   BENCH_SIZE=tiny    the synthetic model's dimensions: tiny, base or small (real whisper dimensions, random weights)
#   BENCH_MODEL=path   a ggml model to use instead (the report names its size from the file's header)
#   BENCH_OUT=path.md  the report's path instead of the default above (the .json goes next to it)
#   BENCH_THREADS=N    threads for both sides (default 1: ggml's spinning barriers slow down many
#                      times when other work takes a core, which makes N > 1 unmeasurable on a
#                      shared machine; use BENCH_THREADS=$(nproc) on an idle one)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_size
bench_prepare "$size" "$(bench_size_description "$size")"
bench_speech_audio
out="$(bench_out latency)"

dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" \
  --vad-model "$REPO_ROOT/models/ggml-silero-v6.2.0.bin" \
  --wav60 "$work/speech-60s.wav" --mp360 "$work/speech-60s.mp3" --mp360-pcm "$work/speech-60s.mp3.pcm.wav" \
  --wav5 "$work/speech-5s.wav" --mp35 "$work/speech-5s.mp3" --mp35-pcm "$work/speech-5s.mp3.pcm.wav" \
  --threads "${BENCH_THREADS:-1}" --work "$work" --out "$out" "$@"
