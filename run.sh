#!/usr/bin/env bash
# Starts the service on http://127.0.0.1:8080 (PORT overrides) with everything it needs.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

bash scripts/setup.sh
dotnet build src/Server -c Release -nologo -v quiet >/dev/null || dotnet build src/Server -c Release -nologo
export Whisper__ModelPath="$(bash scripts/model.sh)"
log "model: $Whisper__ModelPath"
exec dotnet src/Server/bin/Release/net10.0/SpeechToText.Server.dll "$@"
