// Entry point for PSRule for Azure (ps-rule.yaml): main.bicep with production values, so that
// PSRule can expand it without azd. Never deployed.

targetScope = 'subscription'

module main '../main.bicep' = {
  name: 'main'
  params: {
    environmentName: 'pmi-ci'
    location: 'northeurope'
    environmentType: 'prod'
    webClientOriginsCsv: 'https://app.example.com'
  }
}
