// Alerts that need a person: dead letters, audit integrity failures, server errors, Cosmos throttling.
// Alert rules are 'global' or regional metadata; they hold no customer data.

param namePrefix string
param location string
param tags object = {}

param serviceBusNamespaceId string
param cosmosAccountId string
param applicationInsightsId string

@description('Cosmos requests answered 429 in 5 minutes above which to alert.')
param cosmosThrottleThreshold int = 50

@description('Percentage of requests answered 5xx over 15 minutes above which to alert.')
param serverErrorPercentThreshold int = 5

@description('E-mail for alert notifications; empty for none.')
param alertEmail string = ''

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'pmi-ops'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'ops'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-servicebus-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'A message was dead-lettered on a queue. See docs/operations.md, "Handle dead letters".'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

resource cosmosThrottling 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-cosmos-429'
  location: 'global'
  tags: tags
  properties: {
    description: 'Cosmos DB is throttling requests (HTTP 429): raise the autoscale maximum or find the hot partition.'
    severity: 2
    enabled: true
    scopes: [
      cosmosAccountId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricNamespace: 'Microsoft.DocumentDB/databaseAccounts'
          metricName: 'TotalRequests'
          dimensions: [
            {
              name: 'StatusCode'
              operator: 'Include'
              values: [
                '429'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: cosmosThrottleThreshold
          timeAggregation: 'Count'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

resource auditIntegrity 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-audit-integrity'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Audit chain integrity failure'
    description: 'The audit verifier logged audit.integrity_failed: the audit trail may have been tampered with. Treat as a security incident.'
    severity: 0
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "audit.integrity_failed" or tostring(customDimensions.event) == "audit.integrity_failed"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource keysRewrapFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-keys-rewrap-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Data keys could not be re-wrapped'
    description: 'The keysRewrap timer found data keys whose KEK version no longer unwraps (disabled too early?). Re-enable that version and let the timer run before it expires. See docs/operations.md, "Rotate keys".'
    severity: 1
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "data keys could not be re-wrapped"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource serverErrors 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-http-5xx-rate'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'HTTP 5xx rate'
    description: 'More than the threshold percentage of API requests failed with a 5xx status (requests failed).'
    severity: 1
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= 20 | extend failedPercent = 100.0 * failed / total'
          metricMeasureColumn: 'failedPercent'
          timeAggregation: 'Maximum'
          operator: 'GreaterThan'
          threshold: serverErrorPercentThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}
