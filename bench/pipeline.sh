#!/usr/bin/env bash
# Blob pipeline benchmark: the real server process with Pipeline:Enabled against its own Azurite (own ports,
# temporary data folder), the job one Durable Task orchestration on the local task hub. One job on a 1-hour input
# with one engine slot gives the pipeline's own time (decode, plan, storage, Durable dispatch, stitch) per hour of
# audio and as a share of the engine's time, and the fixed cost per chunk activity; then wall time with 1 and 2
# engine slots on a shorter input (10 min by default, so the whole run stays near ten minutes with the test model). Writes bench/results/pipeline.md and prints it. Not part of dotnet test.
#   BENCH_MODEL=path          a ggml model instead of the generated synthetic "test" model (small, fast:
#                             keeps the whole run within a few minutes; a real model makes the share smaller)
#   BENCH_WORKERS=1,2         engine slots (= chunks in flight) of the scaling runs
#   BENCH_SCALING_MINUTES=10  length of the scaling input (60: the 1-hour input itself)
#   BENCH_OVERHEAD_MINUTES=60 length of the overhead run's input (cut from the 1-hour MP3; the report scales its
#                             figures per hour of audio either way; bench/all.sh uses a shorter one to save time)
#   BENCH_OUT=path.md         the report's path instead of bench/results/pipeline.md
#   BENCH_SCALING_CHUNK=60    chunk target (s) of the scaling runs, so the short input has work for every slot
#   BENCH_OVERHEAD_THREADS=N  threads of the one slot in the overhead run (default: nproc; scaling runs use 1 per slot)
#   BENCH_AZURITE_PORT=10300  Azurite's blob port (queue: +1, table: +2)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_prepare test "small dimensions, random weights: fast, meaningless text"
model_label="${BENCH_MODEL:+$(basename "$BENCH_MODEL")}"
model_label="${model_label:-synthetic \"test\" model (tools/SpeechToText.ModelTools generate-test-model test)}"

# One hour of speech: the espeak-ng paragraph with 1.5 s pauses for a minute, then 4 s of silence, sixty
# times; MP3 at 64 kbit/s (about 29 MB, more than the HTTP API's 25 MB). Cached.
long="$work/speech-1h.mp3"
scaling_minutes="${BENCH_SCALING_MINUTES:-10}"
if [ ! -f "$long" ]; then
  log "making the 1-hour test audio"
  espeak-ng -v en-us -s 160 -w "$work/pipe-espeak.wav" \
    "The quick brown fox jumps over the lazy dog. This is a benchmark of the blob pipeline of a speech to text \
service. A long recording is cut into chunks at silences, every chunk is transcribed, and the results are \
stitched into one transcript in every format."
  sox "$work/pipe-espeak.wav" -r 16000 -c 1 -b 16 "$work/pipe-minute.wav" pad 0 1.5 repeat 5 trim 0 56 pad 0 4
  sox "$work/pipe-minute.wav" "$work/pipe-1h.wav" repeat 59
  /usr/bin/ffmpeg -loglevel error -y -i "$work/pipe-1h.wav" -ac 1 -ar 16000 -c:a libmp3lame -b:a 64k "$long.part.mp3"
  mv "$long.part.mp3" "$long"
  rm -f "$work/pipe-espeak.wav" "$work/pipe-minute.wav" "$work/pipe-1h.wav"
fi
# A shorter cut of the hour, cached: "$work/speech-Nmin.mp3".
cut_minutes() {
  local minutes="$1" file="$work/speech-${1}min.mp3"
  if [ "$minutes" = 60 ]; then
    echo "$long"; return
  fi
  if [ ! -f "$file" ]; then
    /usr/bin/ffmpeg -loglevel error -y -i "$long" -t "$((minutes * 60))" -c copy "$file.part.mp3"
    mv "$file.part.mp3" "$file"
  fi
  echo "$file"
}
scaling="$(cut_minutes "$scaling_minutes")"
overhead="$(cut_minutes "${BENCH_OVERHEAD_MINUTES:-60}")"

# Azurite of its own: ports away from run.sh's and the tests', a fresh data folder, stopped on exit.
blob_port="${BENCH_AZURITE_PORT:-10300}"
azurite_data="$(mktemp -d "${TMPDIR:-/tmp}/stt-bench-azurite.XXXXXX")"
export AZURITE_BLOB_PORT="$blob_port" AZURITE_QUEUE_PORT="$((blob_port + 1))" AZURITE_TABLE_PORT="$((blob_port + 2))"
export AZURITE_PID_FILE="$azurite_data/azurite.pid"
cleanup() { bash scripts/azurite.sh stop || true; rm -rf "$azurite_data"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
bash scripts/azurite.sh start "$azurite_data"
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((blob_port + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((blob_port + 2))/devstoreaccount1;"

dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" pipeline \
  --server-dll "$server_dll" --native-dir "$REPO_ROOT/.native" --model "$model" --model-label "$model_label" \
  --vad-model "$REPO_ROOT/models/ggml-silero-v6.2.0.bin" --long "$overhead" --scaling "$scaling" \
  --connection-string "$connection" --workers "${BENCH_WORKERS:-1,2}" \
  --overhead-threads "${BENCH_OVERHEAD_THREADS:-$(nproc)}" --scaling-chunk-seconds "${BENCH_SCALING_CHUNK:-60}" \
  --work "$work" --out "${BENCH_OUT:-$REPO_ROOT/bench/results/pipeline.md}" "$@"
