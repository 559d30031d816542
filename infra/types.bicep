// Types shared by main.bicep, its modules and the parameter files, so the compiler checks every value a user
// supplies (a deployment kind that src/Core does not know, a key hash of the wrong length) before Azure sees it.

@export()
@description('Resource tags.')
type tagSet = {
  *: string
}

@export()
@description('A kind of Azure OpenAI speech-to-text deployment (src/Core AzureDeploymentOptions.Kind).')
type deploymentKind = 'whisper' | 'gpt-4o-transcribe' | 'gpt-4o-mini-transcribe' | 'gpt-4o-transcribe-diarize' | 'gpt-transcribe' | 'gpt-4o-mini-transcribe-2025-12-15'

@export()
@description('An Azure OpenAI deployment served under a public model id.')
type openAIDeployment = {
  @minLength(1)
  @description('Public model id clients send (AzureOpenAI:Deployments:N:Id).')
  id: string

  @minLength(1)
  @maxLength(64)
  @description('Deployment name in the account.')
  name: string

  @description('What the deployment serves; decides which request fields are accepted.')
  kind: deploymentKind

  @description('Model name in the Azure OpenAI catalog (for example whisper or gpt-4o-transcribe).')
  model: string

  @description('Model version (for example 001 or 2025-03-20).')
  version: string

  @description('Deployment SKU.')
  skuName: 'Standard' | 'GlobalStandard' | 'DataZoneStandard'

  @minValue(1)
  @description('Capacity in units of the SKU (thousands of tokens per minute, or requests for whisper).')
  capacity: int

  @description('Optional api-version: calls then use the dated route /openai/deployments/{name}/audio/...?api-version=; unset uses /openai/v1/.')
  apiVersion: string?

  @description('Public model ids to try, in order, when this deployment is throttled or down (for example whisper-1, the local model).')
  fallbacks: string[]?
}

@export()
@description('An API key clients may send, by its SHA-256, with optional limits (src/Core AuthOptions.Keys).')
type apiKey = {
  @minLength(1)
  @maxLength(64)
  @description('Name of the key in usage records and logs (never the key itself).')
  id: string

  @minLength(64)
  @maxLength(64)
  @description('SHA-256 of the key as 64 hex digits (src/Server hash-key).')
  sha256: string

  @description('May read GET /v1/usage for every key.')
  admin: bool?

  @minValue(1)
  @description('Requests per minute, per instance.')
  requestsPerMinute: int?

  @minValue(1)
  @description('Seconds of audio per day, per instance.')
  audioSecondsPerDay: int?

  @minValue(1)
  @description('Requests in flight at once, per instance.')
  maxConcurrentRequests: int?
}
