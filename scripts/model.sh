#!/usr/bin/env bash
# Chooses the whisper model the local engine loads and prints its path on stdout.
#   1. WHISPER_MODEL / Whisper__ModelPath, if set (must exist);
#   2. a ggml-*.bin in models/ (other than the VAD model);
#   3. an official ggml model downloaded into the cache, SHA-1 verified (STT_MODEL, default tiny.en);
#   4. otherwise, loudly: a generated synthetic test model (random weights, meaningless text).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

explicit="${WHISPER_MODEL:-${Whisper__ModelPath:-}}"
if [ -n "$explicit" ]; then
  [ -f "$explicit" ] || die "WHISPER_MODEL=$explicit does not exist"
  echo "$explicit"; exit 0
fi
local_model="$(find "$REPO_ROOT/models" -maxdepth 1 -name 'ggml-*.bin' ! -name 'ggml-silero-*' 2>/dev/null | sort | head -1)"
if [ -n "$local_model" ]; then echo "$local_model"; exit 0; fi

name="${STT_MODEL:-tiny.en}"
declare -A SHA1=(
  [tiny.en]=c78c86eb1a8faa21b369bcd33207cc90d64ae9df [base.en]=137c40403d78fd54d454da0f9bd998f78703390c
  [tiny]=bd577a113a864445d4c299885e0cb97d4ba92b5f [base]=465707469ff3a37a2b9b8d8f89f2f99de7299dac)
[ -n "${SHA1[$name]:-}" ] || die "STT_MODEL=$name: known models are ${!SHA1[*]}"
models="$CACHE_ROOT/models"; mkdir -p "$models"
file="$models/ggml-$name.bin"
if [ -f "$file" ]; then echo "$file"; exit 0; fi

if [ "${STT_OFFLINE:-}" != "1" ]; then
  url="https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-$name.bin"
  log "downloading ggml-$name.bin (official whisper.cpp model)"
  if curl -fsSL --connect-timeout 5 --max-time 600 -o "$file.part" "$url" 2>/dev/null; then
    if [ "$(sha1sum "$file.part" | cut -d' ' -f1)" = "${SHA1[$name]}" ]; then
      mv "$file.part" "$file"; log "verified SHA-1 of ggml-$name.bin"; echo "$file"; exit 0
    fi
    warn "ggml-$name.bin failed its SHA-1 check; discarded"
  fi
  rm -f "$file.part"
fi

synthetic="$models/ggml-synthetic-tiny.en.bin"
cat >&2 <<MSG

  ************************************************************************************
  *  NO REAL WHISPER MODEL: the official ggml models could not be downloaded here    *
  *  (no model host is reachable). Starting with a GENERATED TEST MODEL instead:     *
  *  real whisper.cpp, real compute, random weights - its text is MEANINGLESS.       *
  *  For real transcripts: WHISPER_MODEL=/path/to/ggml-tiny.en.bin ./run.sh          *
  ************************************************************************************

MSG
if [ ! -f "$synthetic" ]; then
  dotnet run --project "$REPO_ROOT/src/Server" -c Release --no-launch-profile -- generate-test-model "$synthetic.part" tiny >&2
  mv "$synthetic.part" "$synthetic"
fi
echo "$synthetic"
