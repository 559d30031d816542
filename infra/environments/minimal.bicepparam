// The smallest useful environment: the bundled whisper.cpp model only (no Azure OpenAI account), one API key,
// the platform's defaults for instance memory (4096 MB) and scale-out.
//   STT_API_KEY_SHA256=$(dotnet src/Server/bin/Release/net10.0/SpeechToText.Server.dll hash-key "$KEY") \
//   az deployment group create -g <group> -f infra/main.bicep -p infra/environments/minimal.bicepparam
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'stt-minimal')
param apiKeySha256 = readEnvironmentVariable('STT_API_KEY_SHA256')
param deployOpenAI = false
// The first deployment creates the app; the Event Grid subscription needs its deployed blob trigger's key, so
// deploy again with SUBSCRIBE_BLOB_EVENTS=true once the code is published (azd's postdeploy hook does this).
param subscribeBlobEvents = bool(readEnvironmentVariable('SUBSCRIBE_BLOB_EVENTS', 'false'))
