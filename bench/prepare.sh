# Shared start of bench/run.sh and bench/pipeline.sh. Sourced, not executed: builds the server and the
# bench (Release), installs the audio tools, and sets server_dll, work and model.
#   bench_prepare KIND DESCRIPTION   KIND: the synthetic model to generate when BENCH_MODEL is unset (tiny|test)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

bench_prepare() {
  local kind="$1" description="$2"
  bash scripts/setup.sh
  apt_need espeak-ng sox ffmpeg   # Debian's full ffmpeg: it has the MP3 encoder
  local p
  for p in src/Server bench/SpeechToText.Bench; do
    dotnet build "$p" -c Release -nologo -v quiet >/dev/null || dotnet build "$p" -c Release -nologo
  done
  server_dll="$REPO_ROOT/src/Server/bin/Release/net10.0/SpeechToText.Server.dll"
  work="$REPO_ROOT/.local/bench"
  mkdir -p "$work" "$REPO_ROOT/bench/results"
  model="${BENCH_MODEL:-$work/ggml-synthetic-$kind.bin}"
  if [ ! -f "$model" ]; then
    log "generating the synthetic $kind model ($description)"
    dotnet "$server_dll" generate-test-model "$model.part" "$kind" >&2
    mv "$model.part" "$model"
  fi
}
