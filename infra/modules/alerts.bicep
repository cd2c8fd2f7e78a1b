// Azure Monitor log search alerts on the app's Application Insights, because App Service's Health check (which
// Azure Monitor can alert on) is not available on Flex Consumption: the timer probe is the health check here.
// - "probe failed": a scheduled identityProbe run logged status "fail";
// - "probe stopped": no identityProbe run was logged for 3 schedule intervals (the timer, the app or the
//   host is down).
// Both rules read the timer's per-run log line (src/probes/timerProbe.ts): the Functions host writes each
// context.log line to the `traces` table with the line as `message` and `Function.<function name>.User` as
// customDimensions.Category (MicrosoftDocs azure-functions/configure-monitoring.md; Azure/azure-functions-host
// GrpcWorkerChannel.cs; Azure/azure-webjobs-sdk ApplicationInsightsLogger.cs). The line is a fixed prefix and
// one JSON object, so the query selects it with `startswith` and reads its fields with parse_json: nothing
// depends on severity (other lines are warnings and errors too) or on the host's own message templates.
// test/infra/alertRules.test.ts runs the timer and checks these queries against its real log lines.
//
// The rules query with their own system-assigned identity (Reader on the component and its workspace), so no
// key is involved: Application Insights and Log Analytics both have local auth disabled.

@description('Name of the Application Insights component the rules query (classic schema: traces).')
param applicationInsightsName string

@description('Name of the Log Analytics workspace behind the component.')
param logAnalyticsName string

@description('Azure region of the rules.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Email addresses to notify, comma-separated. Empty: no action group (the alerts still fire and show in the portal).')
param alertEmails string

@description('Minutes between two scheduled probe runs (the period of IDENTITY_PROBE_SCHEDULE): the stopped rule waits 3 of them.')
@allowed([
  5
  10
  15
])
param probeIntervalMinutes int

@description('URL of the app\'s dashboard (it needs the function key: ?code=<key>).')
param dashboardUrl string

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
var emails = filter(map(split(alertEmails, ','), email => trim(email)), email => !empty(email))

// The timer's per-run line: `identityProbe.run {"event":"identityProbe.run","status":…,"runId":…,"failing":[…],…}`.
// 18 = length('identityProbe.run '): the JSON starts right after the prefix.
var selectProbeRuns = '''traces
| where tostring(customDimensions.Category) == "Function.identityProbe.User"
| where message startswith "identityProbe.run {"
| extend run = parse_json(substring(message, 18))
| where tostring(run.event) == "identityProbe.run"'''

var probeFailedQuery = '${selectProbeRuns}\n| where tostring(run.status) == "fail"\n| project timestamp, runId = tostring(run.runId), failing = run.failing'

// summarize on no rows still yields one row (runs = 0), so the threshold compares a number, not an absence.
var probeStoppedQuery = '${selectProbeRuns}\n| summarize runs = count()'

var dashboardHint = 'Dashboard: ${dashboardUrl}?code=<function key> (az functionapp keys list).'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(emails)) {
  name: 'ag-identity-probe-${uniqueString(resourceGroup().id)}'
  location: 'Global'
  tags: tags
  properties: {
    // Shown in SMS and voice messages; at most 12 characters (actionGroups 2023-01-01 spec).
    groupShortName: 'idprobe'
    enabled: true
    emailReceivers: [
      for (email, index) in emails: {
        name: 'email-${index}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = {
  actionGroups: empty(emails) ? [] : [actionGroup.id]
  customProperties: {
    dashboard: dashboardUrl
  }
}

resource probeFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-identity-probe-failed-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  kind: 'LogAlert'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    displayName: 'identity-probe: a probe run reported fail'
    description: 'A scheduled identityProbe run reported status "fail": an identity cannot get a token or is not authorized on a resource. The alert\'s query results list the failing checks with their error category and identity; the app\'s health details and history say why and how to fix it. ${dashboardHint}'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    // Twice the frequency: a run logged late (ingestion delay) still falls in a window.
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          query: probeFailedQuery
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
    // Resolved by itself once no failing run is in the window; one alert per incident, not one per run.
    autoMitigate: true
    // The rule's identity gets Reader only after the rule exists (it needs the rule's principal ID), so a
    // validation at creation time would race that assignment; rule health shows a query error instead.
    skipQueryValidation: true
    actions: actions
  }
}

resource probeStopped 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-identity-probe-stopped-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  kind: 'LogAlert'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    displayName: 'identity-probe: no probe run for 3 intervals'
    description: 'No scheduled identityProbe run was logged for ${3 * probeIntervalMinutes} minutes (3 schedule intervals): the timer is disabled, the app is stopped or failing to start, or it cannot send telemetry. Check the function app\'s state and its invocations of identityProbe. ${dashboardHint}'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT${3 * probeIntervalMinutes}M'
    criteria: {
      allOf: [
        {
          query: probeStoppedQuery
          timeAggregation: 'Total'
          metricMeasureColumn: 'runs'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: actions
  }
}

// "If the query is accessing a Log Analytics workspace, the identity must be assigned a Reader role for all
// workspaces accessed by the query" (Azure Monitor, "Create or edit a log search alert rule"): Reader on the
// workspace-based component and on its workspace, for each rule's own identity.
resource failedReadsComponent 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, probeFailed.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId))
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: probeFailed.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource failedReadsWorkspace 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(logAnalytics.id, probeFailed.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId))
  scope: logAnalytics
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: probeFailed.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource stoppedReadsComponent 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, probeStopped.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId))
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: probeStopped.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource stoppedReadsWorkspace 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(logAnalytics.id, probeStopped.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId))
  scope: logAnalytics
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: probeStopped.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output probeFailedRuleId string = probeFailed.id
output probeStoppedRuleId string = probeStopped.id
output actionGroupId string = empty(emails) ? '' : actionGroup.id
