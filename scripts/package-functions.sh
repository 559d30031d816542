#!/usr/bin/env bash
# Builds the deployable zip of src/Functions for linux-x64 (Azure Functions Flex Consumption): the published
# worker as a complete script root (host.json, worker.config.json, functions.metadata, extensions.json and the
# host extensions in .azurefunctions/), native/ (libwhisper + libggml*, the minimal static ffmpeg),
# models/ggml-silero-v6.2.0.bin (VAD) and models/ggml-<model>.bin (the local whisper model), nothing for other
# platforms. The whisper model is downloaded with its SHA-1 checked (scripts/lib.sh official_model); when no
# model host is reachable the script says so and packages without it: the app then serves only Azure OpenAI
# models and /health and /v1/models say the local model is unavailable. Options:
#   --model NAME     tiny.en | base.en | tiny | base | none   (default: $STT_MODEL or base.en)
#   --out ZIP        default .local/functions-package.zip
#   --stage DIR      default .local/functions-package (emptied first)
#   --prepare-only   only build the native parts and fetch the model (azd's prepackage hook; azd publishes)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

model="${STT_MODEL:-base.en}"
out="$REPO_ROOT/.local/functions-package.zip"
stage="$REPO_ROOT/.local/functions-package"
prepare_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    --stage) stage="$(realpath -m "$2")"; shift 2 ;;
    --prepare-only) prepare_only=1; shift ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done

command -v zip >/dev/null || apt_need zip
bash "$REPO_ROOT/scripts/build-whisper.sh"
bash "$REPO_ROOT/scripts/build-ffmpeg.sh"

# The model the project copies to models/ (src/Functions/SpeechToText.Functions.csproj): exactly one, or none.
model_dir="$REPO_ROOT/.local/functions-model"
rm -rf "$model_dir" && mkdir -p "$model_dir"
model_status="none requested"
if [ "$model" != "none" ]; then
  if file="$(official_model "$model")"; then
    ln -f "$file" "$model_dir/ggml-$model.bin" 2>/dev/null || cp "$file" "$model_dir/ggml-$model.bin"
    model_status="ggml-$model.bin (SHA-1 verified)"
  elif [ $? -eq 2 ]; then
    die "--model $model is not a known model"
  else
    model_status="NOT INCLUDED: ggml-$model.bin could not be downloaded (no model host reachable, or STT_OFFLINE=1)"
    warn "packaging WITHOUT a whisper model: ggml-$model.bin could not be downloaded here. The app will serve only"
    warn "Azure OpenAI deployments, and /health and /v1/models will say the local model is unavailable."
  fi
fi
[ "$prepare_only" -eq 0 ] || { log "native parts ready; whisper model: $model_status"; exit 0; }

rm -rf "$stage" && mkdir -p "$stage"
dotnet publish "$REPO_ROOT/src/Functions" -c Release -r linux-x64 --self-contained false --nologo -o "$stage" >&2 \
  || die "dotnet publish src/Functions failed"
# The host extensions' dependencies bring Windows and browser builds of a few libraries; a Linux host never
# loads them (their deps.json entries are platform-specific), so they stay out of the package.
find "$stage" -type d -path '*/runtimes/*' -prune ! -name 'linux-x64' ! -name 'linux' ! -name 'unix' -exec rm -rf {} +
find "$stage" -type d -name runtimes -empty -delete

# The layout the app expects (WhisperOptions / AudioOptions defaults: native/ and models/ beside the app).
missing=()
for f in host.json worker.config.json functions.metadata extensions.json SpeechToText.Functions.dll native/libwhisper.so.1 native/libggml.so.0 native/libggml-base.so.0 native/libggml-cpu-x64.so native/libggml-cpu-haswell.so \
         native/ffmpeg models/ggml-silero-v6.2.0.bin; do
  [ -e "$stage/$f" ] || missing+=("$f")
done
if [ "$model" != "none" ] && [ -n "$(ls "$model_dir")" ]; then
  [ -e "$stage/models/ggml-$model.bin" ] || missing+=("models/ggml-$model.bin")
fi
[ ${#missing[@]} -eq 0 ] || die "the package is incomplete: missing ${missing[*]}"
[ -x "$stage/native/ffmpeg" ] || die "native/ffmpeg is not executable"
"$stage/native/ffmpeg" -hide_banner -version >/dev/null || die "native/ffmpeg does not run from the package"

mkdir -p "$(dirname "$out")" && rm -f "$out"
(cd "$stage" && zip -qr -X "$out" .)   # zip keeps the Unix modes (ffmpeg stays executable)
log "package: $out ($(du -h "$out" | cut -f1))"
log "  whisper model: $model_status"
echo "$out"
