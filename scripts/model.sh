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
if file="$(official_model "$name")"; then echo "$file"; exit 0; elif [ $? -eq 2 ]; then exit 1; fi
models="$CACHE_ROOT/models"

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
  dotnet run --project "$REPO_ROOT/tools/SpeechToText.ModelTools" -c Release -- generate-test-model "$synthetic.part" tiny >&2
  mv "$synthetic.part" "$synthetic"
fi
echo "$synthetic"
