// The alert rules read what the timer really logs. The test runs the built app's identityProbe timer in the dev
// host (the library's own InvocationContext → @azure/functions-core log path), captures the log records of three
// runs — pass, fail (the identity endpoint answers 500), pass — and runs each rule's query, exactly as the ARM
// engine evaluates it from infra/main.bicep (`bicep snapshot`), over the `traces` rows those records become.
//
// How a record becomes a `traces` row is the Functions host's (infra/modules/alerts.bicep cites the sources):
// `message` is the logged string unchanged, and customDimensions.Category is `Function.<function name>.User` for a
// user log (context.log/info/warn/error). The query evaluator below understands exactly the KQL the rules use
// and fails on anything else, so a rule cannot grow a filter this test does not check.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevHostLogRecord } from "../../local/devHost/devHostLog.js";
import { startDevHost, type DevHost } from "../../local/devHost/startDevHost.js";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { bicepAvailability, requireBicep } from "../fixtures/bicep.js";
import { call, ensureBuilt, projectRoot, realAppEnvironment, testFunctionKey, waitUntil } from "../fixtures/devHost.js";
import { startTestAzurite, startTestIdentityEndpoint, type TestAzurite } from "../fixtures/localServices.js";
import { recordOutput } from "../fixtures/secretScan.js";
import { isJsonObject, onlyResource, snapshotMain, valueAt, type Json, type PredictedResource } from "./armSnapshot.js";

const { cli: foundCli, skip } = bicepAvailability();

type Row = Record<string, unknown> & { message: string; customDimensions: { Category: string } };

/** A dev host log record as the Functions host writes it to Application Insights `traces`. */
function traceRow(record: DevHostLogRecord): Row {
  const category = record.category === "user" && record.functionName ? `Function.${record.functionName}.User` : `Host.${record.category}`;
  return { message: record.message, severityLevel: record.level, customDimensions: { Category: category } };
}

const stringLiteral = '"((?:[^"\\\\]|\\\\.)*)"';
const clauses: { pattern: RegExp; apply: (rows: Row[], match: RegExpExecArray) => Row[] }[] = [
  {
    // | where tostring(customDimensions.Category) == "Function.identityProbe.User"
    pattern: new RegExp(`^\\| where tostring\\(customDimensions\\.(\\w+)\\) == ${stringLiteral}$`),
    apply: (rows, [, field = "", value]) => rows.filter((row) => String((row.customDimensions as Record<string, unknown>)[field] ?? "") === value),
  },
  {
    // | where message startswith "identityProbe.run {"   (KQL's startswith ignores case)
    pattern: new RegExp(`^\\| where message startswith ${stringLiteral}$`),
    apply: (rows, [, prefix = ""]) => rows.filter((row) => row.message.toLowerCase().startsWith(prefix.toLowerCase())),
  },
  {
    // | extend run = parse_json(substring(message, 18))   (parse_json of text that is not JSON gives the text)
    pattern: /^\| extend (\w+) = parse_json\(substring\(message, (\d+)\)\)$/,
    apply: (rows, [, name = "", start = "0"]) =>
      rows.map((row) => {
        const text = row.message.slice(Number(start));
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // stays the text
        }
        return { ...row, [name]: value };
      }),
  },
  {
    // | where tostring(run.status) == "fail"   (tostring of a missing field is "")
    pattern: new RegExp(`^\\| where tostring\\((\\w+)\\.(\\w+)\\) == ${stringLiteral}$`),
    apply: (rows, [, column = "", field = "", value]) =>
      rows.filter((row) => {
        const object = row[column];
        const found = typeof object === "object" && object !== null ? (object as Record<string, unknown>)[field] : undefined;
        return (found === undefined || found === null ? "" : String(found)) === value;
      }),
  },
  {
    // | project timestamp, runId = tostring(run.runId), failing = run.failing
    pattern: /^\| project (.+)$/,
    apply: (rows, [, list = ""]) =>
      rows.map((row) =>
        Object.fromEntries(
          list.split(", ").map((item) => {
            const assigned = /^(\w+) = (?:tostring\((\w+)\.(\w+)\)|(\w+)\.(\w+))$/.exec(item);
            if (assigned) {
              const [, name = "", tsColumn, tsField, column = "", field = ""] = assigned;
              const source = row[tsColumn ?? column] as Record<string, unknown> | undefined;
              const value = source?.[tsField ?? field];
              return [name, tsColumn ? String(value ?? "") : value];
            }
            if (!/^\w+$/.test(item)) throw new Error(`project item not understood: ${item}`);
            return [item, row[item]];
          }),
        ) as Row,
      ),
  },
  {
    // | summarize runs = count()   (one row, also when there is none to count)
    pattern: /^\| summarize (\w+) = count\(\)$/,
    apply: (rows, [, name = ""]) => [{ [name]: rows.length } as unknown as Row],
  },
];

/** Runs a rule's query over `traces` rows; throws on any KQL this evaluator does not understand. */
function runQuery(query: string, traces: Row[]): Row[] {
  const [table, ...lines] = query.split("\n");
  if (table !== "traces") throw new Error(`the query reads ${table}, not traces`);
  let rows = traces;
  for (const line of lines) {
    const clause = clauses.find((candidate) => candidate.pattern.test(line));
    const match = clause?.pattern.exec(line);
    if (!clause || !match) throw new Error(`KQL not understood by this test: ${line}`);
    rows = clause.apply(rows, match);
  }
  return rows;
}

/** Whether a rule fires on its query's result (criteria of scheduledQueryRules 2023-12-01, the forms used). */
function fires(rule: PredictedResource, rows: Row[]): boolean {
  const allOf = valueAt(rule.properties ?? null, "criteria", "allOf");
  const condition = Array.isArray(allOf) ? allOf[0] : undefined;
  if (!isJsonObject(condition)) throw new Error(`${rule.name} has no condition`);
  const aggregation = condition.timeAggregation;
  let measure: number;
  if (aggregation === "Count") measure = rows.length;
  else if (aggregation === "Total" && typeof condition.metricMeasureColumn === "string") {
    const column = condition.metricMeasureColumn;
    measure = rows.reduce((total, row) => total + Number((row as Record<string, unknown>)[column] ?? 0), 0);
  } else throw new Error(`${rule.name}: aggregation ${String(aggregation)} not understood by this test`);
  const threshold = Number(condition.threshold);
  const operators: Record<string, (a: number, b: number) => boolean> = {
    GreaterThan: (a, b) => a > b,
    GreaterThanOrEqual: (a, b) => a >= b,
    LessThan: (a, b) => a < b,
    LessThanOrEqual: (a, b) => a <= b,
    Equals: (a, b) => a === b,
  };
  const compare = operators[String(condition.operator)];
  if (!compare) throw new Error(`${rule.name}: operator ${String(condition.operator)} not understood`);
  return compare(measure, threshold);
}

function ruleQuery(rule: PredictedResource): string {
  const allOf = valueAt(rule.properties ?? null, "criteria", "allOf");
  const condition: Json | undefined = Array.isArray(allOf) ? allOf[0] : undefined;
  const query = isJsonObject(condition) ? condition.query : undefined;
  if (typeof query !== "string") throw new Error(`${rule.name} has no query`);
  return query;
}

describe.skipIf(skip)("alert rules against the timer's real log lines", () => {
  let failedRule: PredictedResource;
  let stoppedRule: PredictedResource;
  let identityEndpoint: IdentityEndpoint;
  let azurite: TestAzurite;
  let devHost: DevHost;
  const records: DevHostLogRecord[] = [];
  /** The three runs' records: pass, fail, pass. */
  const runs: { invocationId: string; records: DevHostLogRecord[] }[] = [];

  async function runTimer(): Promise<void> {
    const before = new Set(records.map((record) => record.invocationId));
    const response = await call(`${devHost.url}/admin/functions/identityProbe`, {
      method: "POST",
      headers: { "x-functions-key": testFunctionKey, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(202);
    // The host frames each invocation with Executing/Executed lines: the run is complete when it has ended.
    const ended = (record: DevHostLogRecord) =>
      record.functionName === "identityProbe" && !before.has(record.invocationId) && record.message.startsWith("Executed 'Functions.identityProbe' (");
    await waitUntil(() => records.some(ended), "the timer run to end", 60_000);
    const end = records.find(ended);
    expect(end?.message).toMatch(/^Executed 'Functions\.identityProbe' \(Succeeded, /);
    const invocationId = end?.invocationId ?? "";
    runs.push({ invocationId, records: records.filter((record) => record.invocationId === invocationId) });
  }

  beforeAll(async () => {
    const cli = requireBicep(foundCli);
    const snapshot = await snapshotMain(cli, { environmentName: "probe-test", location: "westeurope" });
    failedRule = onlyResource(snapshot, "Microsoft.Insights/scheduledQueryRules", (rule) => rule.name.includes("-failed-"));
    stoppedRule = onlyResource(snapshot, "Microsoft.Insights/scheduledQueryRules", (rule) => rule.name.includes("-stopped-"));

    [identityEndpoint, azurite] = await Promise.all([startTestIdentityEndpoint(), startTestAzurite(), ensureBuilt()]);
    devHost = await startDevHost({
      appRoot: projectRoot,
      port: 0,
      functionKey: testFunctionKey,
      // Runs follow each other within seconds here, not five minutes apart: the raw identity-endpoint check is
      // asked afresh in every run, so the fault set between runs shows in the next one.
      env: realAppEnvironment(identityEndpoint, azurite.blobEndpoint, { IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS: "0" }),
      log: (line, record) => {
        recordOutput(line);
        records.push(record);
      },
      shutdownTimeoutMs: 5_000,
    });
    await runTimer();
    identityEndpoint.setFault({ mode: "status", status: 500 });
    await runTimer();
    identityEndpoint.setFault(undefined);
    await runTimer();
  }, 180_000);

  afterAll(async () => {
    await devHost?.close();
    await Promise.all([azurite?.close(), identityEndpoint?.close()]);
  });

  it("logs one run line per run, from the identityProbe function's user log, at the run's own level", () => {
    expect(runs).toHaveLength(3);
    for (const [index, run] of runs.entries()) {
      const lines = run.records.filter((record) => record.message.startsWith("identityProbe.run "));
      expect(lines, `run ${index}`).toHaveLength(1);
      expect(lines[0]?.category).toBe("user");
      expect(lines[0]?.level).toBe(["information", "error", "information"][index]);
    }
  });

  it("'probe failed' selects exactly the failing run, with its run ID and the failing check's category and identity", () => {
    const rows = runs.flatMap((run) => run.records.map(traceRow));
    const selected = runQuery(ruleQuery(failedRule), rows);
    expect(selected).toHaveLength(1);
    expect(selected[0]?.runId).toBe(runs[1]?.invocationId);
    expect(selected[0]?.failing).toEqual(expect.arrayContaining([{ check: "identity:endpoint", identity: "system", category: "endpoint-error" }]));
    expect(fires(failedRule, selected)).toBe(true);
    // The passing runs alone, and the transition lines, never fire it.
    for (const index of [0, 2]) {
      const passing = runQuery(ruleQuery(failedRule), (runs[index]?.records ?? []).map(traceRow));
      expect(fires(failedRule, passing), `run ${index}`).toBe(false);
    }
    const transitions = rows.filter((row) => row.message.startsWith("identityProbe status changed"));
    expect(transitions).toHaveLength(2);
    expect(runQuery(ruleQuery(failedRule), transitions)).toEqual([]);
  });

  it("'probe stopped' counts every run, passing or failing, and fires only when there is none", () => {
    const rows = runs.flatMap((run) => run.records.map(traceRow));
    expect(runQuery(ruleQuery(stoppedRule), rows)).toEqual([{ runs: 3 }]);
    expect(fires(stoppedRule, runQuery(ruleQuery(stoppedRule), rows))).toBe(false);
    for (const run of runs) expect(fires(stoppedRule, runQuery(ruleQuery(stoppedRule), run.records.map(traceRow)))).toBe(false);
    // No run in the window: only the host's and other functions' lines.
    const others = rows.filter((row) => !row.message.startsWith("identityProbe.run "));
    expect(fires(stoppedRule, runQuery(ruleQuery(stoppedRule), others))).toBe(true);
    expect(fires(stoppedRule, runQuery(ruleQuery(stoppedRule), []))).toBe(true);
  });

  it("the run line holds statuses, categories and identity labels, never an ID, a token or error text", () => {
    for (const run of runs) {
      const line = run.records.find((record) => record.message.startsWith("identityProbe.run "))?.message ?? "";
      const body = JSON.parse(line.slice("identityProbe.run ".length)) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["checks", "event", "failing", "historyBlob", "runId", "status"]);
      expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|Bearer|remediation|output|objectId|tenantId/);
      // The only GUID-like values are the run's own invocation ID (also in the history blob's name).
      const guids = line.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
      for (const guid of guids) expect(guid).toBe(run.invocationId);
    }
  });

  it("host.json keeps every run line: information-level user logs pass its filter and traces are not sampled", async () => {
    const hostJson = JSON.parse(await readFile(join(projectRoot, "host.json"), "utf8")) as {
      logging?: { logLevel?: Record<string, string>; applicationInsights?: { samplingSettings?: { isEnabled?: boolean; excludedTypes?: string } } };
    };
    // The most specific configured category prefix decides (Microsoft.Extensions.Logging filter rules).
    const levels = hostJson.logging?.logLevel ?? {};
    const category = "Function.identityProbe.User";
    const rule =
      Object.keys(levels)
        .filter((key) => key !== "default" && (category === key || category.startsWith(`${key}.`)))
        .sort((a, b) => b.length - a.length)[0] ?? "default";
    expect(["Trace", "Debug", "Information"]).toContain(levels[rule] ?? "Information");
    // Adaptive sampling drops traces above its rate; the documented switch excludes a type from it.
    const sampling = hostJson.logging?.applicationInsights?.samplingSettings;
    if (sampling?.isEnabled !== false) expect((sampling?.excludedTypes ?? "").split(";")).toContain("Trace");
  });
});
