// The dashboard's browser code (bundled with @azure/web-pubsub-client by scripts/build.mjs and inlined
// into the page). It reads the function key from its own URL (?code=) and sends it as x-functions-key
// on its API calls; the server never echoes the key into the page.
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { z } from "zod";
import { parseReceivedReport, receivedReportSchema } from "../../shared/receivedReport.js";
import { dashboardDataElementId, type DashboardData } from "../dashboardData.js";
import { renderDashboard, type DashboardState, type HistoryEntry } from "./renderDashboard.js";

const pollIntervalMs = 10_000;
const requestTimeoutMs = 15_000;
const historyLimit = 20;

const root = document.getElementById("dashboard");
const key = new URLSearchParams(location.search).get("code") ?? undefined;
// What the server knows about its resources: their names, and the live group (a data block, not script).
const data = JSON.parse(document.getElementById(dashboardDataElementId)?.textContent ?? "{}") as Partial<DashboardData>;
const liveGroup = data.liveGroup;
const historySchema = z.object({ reports: z.array(receivedReportSchema.extend({ blob: z.string() })) });

let state: DashboardState = {
  labels: data.labels ?? {},
  current: undefined,
  details: undefined,
  history: [],
  mode: { kind: "connecting", note: "Connecting for live updates…" },
  error: undefined,
  updatedAt: undefined,
};

function update(next: Partial<DashboardState>): void {
  state = { ...state, ...next };
  if (root) renderDashboard(root, state);
}

/** Same-origin API call relative to the page (…/api/dashboard → …/api/<path>), with a deadline. */
async function api(path: string): Promise<Response> {
  return fetch(path, { headers: key ? { "x-functions-key": key } : {}, signal: AbortSignal.timeout(requestTimeoutMs), cache: "no-store" });
}

async function loadDetails(): Promise<void> {
  try {
    const response = await api("health/identity/details");
    if (response.status === 401) throw new Error("The function key is missing or wrong: open this page with ?code=<function key>.");
    const parsed = parseReceivedReport(await response.json());
    if (!parsed.ok) throw new Error(`the answer is not a health report (${parsed.reason})`);
    update({ current: parsed.report, details: parsed.report, error: undefined, updatedAt: new Date() });
  } catch (error) {
    update({ error: `Could not load the report: ${error instanceof Error ? error.message : String(error)}` });
  }
}

async function loadHistory(): Promise<void> {
  try {
    const response = await api(`health/identity/history?limit=${historyLimit}`);
    if (!response.ok) return;
    const body = historySchema.safeParse(await response.json());
    if (!body.success) return;
    const history = body.data.reports.map(({ blob, ...report }): HistoryEntry => ({ blob, report }));
    // The newest timer run is a full report: its remediation hints explain what a live summary shows.
    const newest = history[0]?.report;
    const details = newest && (!state.details || newest.time > state.details.time) ? newest : state.details;
    update({ history, details });
  } catch {
    // The timeline is secondary: the grid stays current without it.
  }
}

function startPolling(note: string): void {
  update({ mode: { kind: "polling", note } });
  setInterval(() => {
    void loadDetails();
    void loadHistory();
  }, pollIntervalMs);
}

async function connectLive(): Promise<void> {
  if (liveGroup === undefined) {
    startPolling(`Live updates unavailable: this app has no live channel. Polling every ${pollIntervalMs / 1000} s.`);
    return;
  }
  let response: Response;
  try {
    response = await api("pubsub/negotiate");
  } catch {
    startPolling(`Live updates unavailable (negotiate failed): polling every ${pollIntervalMs / 1000} s.`);
    return;
  }
  if (!response.ok) {
    startPolling(
      response.status === 503
        ? `Live updates unavailable: Web PubSub is not configured. Polling every ${pollIntervalMs / 1000} s.`
        : `Live updates unavailable (negotiate answered ${response.status}): polling every ${pollIntervalMs / 1000} s.`,
    );
    return;
  }
  const { url } = (await response.json()) as { url: string };
  const client = new WebPubSubClient(url);
  client.on("group-message", (event) => {
    if (event.message.group !== liveGroup) return;
    const summary = parseReceivedReport(event.message.data);
    if (!summary.ok) return;
    // Redraw from the published summary at once; details (remediation) and the timeline follow.
    update({ current: summary.report, updatedAt: new Date() });
    void loadHistory();
  });
  client.on("disconnected", () => update({ mode: { kind: "connecting", note: "Live connection lost: reconnecting…" } }));
  client.on("connected", () =>
    update({ mode: { kind: "live", note: "Live: updates arrive through Web PubSub when the timer probe runs." } }),
  );
  try {
    await client.start();
    // negotiate joins the group already; joining again is harmless and covers a URL minted without it.
    await client.joinGroup(liveGroup).catch(() => undefined);
    update({ mode: { kind: "live", note: "Live: updates arrive through Web PubSub when the timer probe runs." } });
  } catch {
    startPolling(`Live updates unavailable (could not connect to Web PubSub): polling every ${pollIntervalMs / 1000} s.`);
  }
}

void loadDetails();
void loadHistory();
void connectLive();
