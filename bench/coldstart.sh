#!/usr/bin/env bash
# Cold start: process start to the first 200 for a 5 s clip, interleaved: our server as packaged (a ReadyToRun
# publish for linux-x64), its plain build output (JIT only), whisper.cpp's whisper-server on the same model, and the
# Functions worker started the way its host starts it (ready to infer; no host here to send it a request). Listening,
# ready to infer, first answer, a warm request, peak RSS, and our start-up phases.
# Writes bench/results/coldstart.md (coldstart-SIZE.md for other sizes) and prints it.   bench/coldstart.sh [--reps 4]
#   BENCH_MODEL=path   a ggml model; default: the synthetic model of BENCH_SIZE's real dimensions (tiny|base|small)
#   BENCH_OUT=path.md  the report's path instead of the default above
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
bench_size
bench_prepare "$size" "$(bench_size_description "$size")"
bench_speech_audio
[ -x "$REPO_ROOT/.native/whisper-server" ] || die "whisper-server is missing from .native/ (scripts/build-whisper.sh builds it)"
published="$work/published"
for app in Server Functions; do
  dotnet publish "src/$app" -c Release -r linux-x64 --self-contained false -nologo -v quiet -o "$published/$app" >/dev/null \
    || die "dotnet publish src/$app failed"
done
out="$(bench_out coldstart)"
dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" coldstart \
  --server-dll "$published/Server/SpeechToText.Server.dll" --jit-dll "$server_dll" \
  --functions-dll "$published/Functions/SpeechToText.Functions.dll" --size "$size" \
  --native-dir "$REPO_ROOT/.native" --model "$model" --clip "$work/speech-5s.wav" \
  --work "$work" --out "$out" "$@"
