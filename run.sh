#!/usr/bin/env bash
# Starts the service on http://127.0.0.1:8080 (PORT overrides) with everything it needs.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

bash scripts/setup.sh
dotnet build src/Server -c Release -nologo -v quiet >/dev/null || dotnet build src/Server -c Release -nologo
export Whisper__ModelPath="$(bash scripts/model.sh)"
log "model: $Whisper__ModelPath"

# The blob pipeline (a Durable Task orchestration per recording, its task hub in Azurite's blobs, queues and tables)
# runs against Azurite on loopback (data under the cache, so jobs survive a restart)
# unless Storage__ConnectionString / Storage__BlobServiceUri point elsewhere. STT_NO_AZURITE=1 skips it.
if [ -z "${Storage__ConnectionString:-}${Storage__BlobServiceUri:-}" ] && [ "${STT_NO_AZURITE:-0}" != "1" ]; then
  bash scripts/azurite.sh start
  trap 'bash scripts/azurite.sh stop' EXIT
  export Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${AZURITE_BLOB_PORT:-10000}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${AZURITE_QUEUE_PORT:-10001}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${AZURITE_TABLE_PORT:-10002}/devstoreaccount1;"
  export Pipeline__Enabled="${Pipeline__Enabled:-true}"
  log "blob pipeline: drop audio into Azurite's 'audio-in' container; transcripts appear in 'transcripts'"
fi
# The server runs as a child so a TERM/INT to this script stops it (gracefully) and then, through the
# EXIT trap, Azurite: bash would otherwise defer the signal until the foreground child ended.
dotnet src/Server/bin/Release/net10.0/SpeechToText.Server.dll "$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; exit 130' INT TERM
wait "$server"
