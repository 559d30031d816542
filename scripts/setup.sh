#!/usr/bin/env bash
# Installs and builds everything the service needs, idempotently: the minimal ffmpeg and whisper.cpp. A second run only checks the caches.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
command -v npm >/dev/null || apt_need nodejs npm
command -v curl >/dev/null || apt_need curl
command -v flock >/dev/null || apt_need util-linux
bash "$REPO_ROOT/scripts/build-whisper.sh"
bash "$REPO_ROOT/scripts/build-ffmpeg.sh"
