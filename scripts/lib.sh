# Shared helpers for run.sh, test.sh and the setup scripts. Sourced, not executed.
# Everything slow is cached outside the repository, keyed by version and build flags,
# so a second run (or a fresh clone on the same machine) skips it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${STT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stt-service}"
NATIVE_DIR="$REPO_ROOT/.native"          # gitignored; what the .NET projects copy next to the app
mkdir -p "$CACHE_ROOT" "$NATIVE_DIR"

log()  { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m[setup] WARNING:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[setup] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_UPDATED_STAMP="$CACHE_ROOT/.apt-updated"
apt_update_once() {
  # One apt-get update per hour at most; apt-get install needs fresh lists on a new machine.
  if [ ! -f "$APT_UPDATED_STAMP" ] || [ -n "$(find "$APT_UPDATED_STAMP" -mmin +60 2>/dev/null)" ]; then
    log "apt-get update"
    $SUDO apt-get update -qq >/dev/null || die "apt-get update failed"
    touch "$APT_UPDATED_STAMP"
  fi
}

# apt_need PKG...: installs the Debian packages that are not installed yet.
apt_need() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_update_once
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# with_lock NAME CMD...: serialises a cache build between concurrent runs (run.sh and test.sh at once).
with_lock() {
  local name="$1"; shift
  exec {lockfd}>"$CACHE_ROOT/.$name.lock"
  flock "$lockfd"
  "$@"
  local rc=$?
  flock -u "$lockfd"
  return $rc
}

# official_model NAME: prints the path of the official whisper.cpp model ggml-NAME.bin in the cache,
# downloading it first (SHA-1 verified) unless STT_OFFLINE=1. Returns 1 when it cannot be had, 2 for an unknown NAME.
official_model() {
  local name="$1"
  declare -A sha1=(
    [tiny.en]=c78c86eb1a8faa21b369bcd33207cc90d64ae9df [base.en]=137c40403d78fd54d454da0f9bd998f78703390c
    [tiny]=bd577a113a864445d4c299885e0cb97d4ba92b5f [base]=465707469ff3a37a2b9b8d8f89f2f99de7299dac)
  if [ -z "${sha1[$name]:-}" ]; then warn "model '$name' is unknown: known models are ${!sha1[*]}"; return 2; fi
  local models="$CACHE_ROOT/models"; mkdir -p "$models"
  local file="$models/ggml-$name.bin"
  if [ -f "$file" ]; then echo "$file"; return 0; fi
  [ "${STT_OFFLINE:-}" != "1" ] || return 1
  local url="https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-$name.bin"
  log "downloading ggml-$name.bin (official whisper.cpp model)"
  if curl -fsSL --connect-timeout 5 --max-time 600 -o "$file.part" "$url" 2>/dev/null; then
    if [ "$(sha1sum "$file.part" | cut -d' ' -f1)" = "${sha1[$name]}" ]; then
      mv "$file.part" "$file"; log "verified SHA-1 of ggml-$name.bin"; echo "$file"; return 0
    fi
    warn "ggml-$name.bin failed its SHA-1 check; discarded"
  fi
  rm -f "$file.part"
  return 1
}
