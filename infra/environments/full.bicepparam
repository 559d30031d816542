// A production-shaped environment: Azure OpenAI with all four speech-to-text deployment kinds beside the
// bundled model, smaller instances scaled out further, one request per instance at a time, and two more API
// keys with their own limits (for other teams' apps). Values that identify a real environment come from the
// environment, so nothing deployment-specific is committed:
//   STT_API_KEY_SHA256, STT_TEAM_A_KEY_SHA256, STT_TEAM_B_KEY_SHA256 (src/Server hash-key), AZURE_PRINCIPAL_ID (optional).
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'stt-full')
param apiKeySha256 = readEnvironmentVariable('STT_API_KEY_SHA256')
param extraApiKeys = [
  {
    id: 'team-a'
    sha256: readEnvironmentVariable('STT_TEAM_A_KEY_SHA256')
    requestsPerMinute: 120
    maxConcurrentRequests: 4
  }
  {
    id: 'team-b-batch'
    sha256: readEnvironmentVariable('STT_TEAM_B_KEY_SHA256')
    audioSecondsPerDay: 36000
  }
]
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param httpPerInstanceConcurrency = 1
param deployOpenAI = true
param openAILocation = 'swedencentral'
param openAIDeployments = [
  {
    id: 'whisper-azure'
    name: 'whisper'
    kind: 'whisper'
    model: 'whisper'
    version: '001'
    skuName: 'Standard'
    capacity: 3
    // Throttled or down: the bundled model answers instead.
    fallbacks: [
      'whisper-1'
    ]
  }
  {
    id: 'gpt-4o-transcribe'
    name: 'gpt-4o-transcribe'
    kind: 'gpt-4o-transcribe'
    model: 'gpt-4o-transcribe'
    version: '2025-03-20'
    skuName: 'GlobalStandard'
    capacity: 200
    fallbacks: [
      'gpt-4o-mini-transcribe'
      'whisper-1'
    ]
  }
  {
    id: 'gpt-4o-mini-transcribe'
    name: 'gpt-4o-mini-transcribe'
    kind: 'gpt-4o-mini-transcribe'
    model: 'gpt-4o-mini-transcribe'
    version: '2025-03-20'
    skuName: 'GlobalStandard'
    capacity: 200
  }
  {
    id: 'gpt-4o-transcribe-diarize'
    name: 'gpt-4o-transcribe-diarize'
    kind: 'gpt-4o-transcribe-diarize'
    model: 'gpt-4o-transcribe-diarize'
    version: '2025-10-15'
    skuName: 'GlobalStandard'
    capacity: 100
    // Some deployments answer 404 DeploymentNotFound on /openai/v1/audio/...: the dated route instead.
    apiVersion: '2025-03-01-preview'
  }
]
param pipelineDefaultModel = 'gpt-4o-mini-transcribe'
param subscribeBlobEvents = bool(readEnvironmentVariable('SUBSCRIBE_BLOB_EVENTS', 'false'))
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
