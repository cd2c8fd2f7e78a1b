// Pure rendering of the dashboard: report + history in, DOM out. Every status is shown as text and as a
// colour class, in real tables with headers, so it reads without colour and with a screen reader.
import { componentOfCheckKey } from "../../shared/healthReport.js";
import type { ReceivedCheckEntry, ReceivedReport } from "../../shared/receivedReport.js";

export interface HistoryEntry {
  readonly blob: string;
  readonly report: ReceivedReport;
}

export interface DashboardState {
  /** Component → how a person calls it ("storage" → "Blob Storage"), from the page. */
  readonly labels: Readonly<Record<string, string>>;
  readonly current: ReceivedReport | undefined;
  /** The newest full report's remediation texts, by `check|identity` (summaries carry none). */
  readonly details: ReceivedReport | undefined;
  readonly history: readonly HistoryEntry[];
  readonly mode: { readonly kind: "live" | "polling" | "connecting"; readonly note: string };
  readonly error: string | undefined;
  readonly updatedAt: Date | undefined;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function componentsOf(report: ReceivedReport): string[] {
  const components: string[] = [];
  for (const key of Object.keys(report.checks)) {
    const component = componentOfCheckKey(key);
    if (component !== "config" && !components.includes(component)) components.push(component);
  }
  return components;
}

function identitiesOf(report: ReceivedReport): string[] {
  const names: string[] = [];
  for (const entries of Object.values(report.checks))
    for (const entry of entries) if (entry.identity && !names.includes(entry.identity)) names.push(entry.identity);
  return names;
}

function describeExpiry(expiresOn: string | undefined, now: Date): string | undefined {
  if (!expiresOn) return undefined;
  const minutes = Math.round((new Date(expiresOn).getTime() - now.getTime()) / 60_000);
  if (minutes < 0) return "expired";
  return minutes >= 120 ? `expires in ${Math.round(minutes / 60)} h` : `expires in ${minutes} min`;
}

function statusCell(checkKey: string, identity: string, entry: ReceivedCheckEntry | undefined, now: Date): HTMLTableCellElement {
  if (!entry)
    return element("td", { class: "status status-none", "data-check": checkKey, "data-identity": identity, "data-status": "none" }, "—");
  const lines: (Node | string)[] = [element("span", { class: "status-word" }, entry.status.toUpperCase())];
  if (entry.errorCategory) lines.push(element("span", { class: "category" }, entry.errorCategory));
  const facts = [entry.observedValue !== undefined ? `${entry.observedValue} ms` : undefined, describeExpiry(entry.expiresOn, now)]
    .filter(Boolean)
    .join(" · ");
  if (facts) lines.push(element("span", { class: "facts" }, facts));
  return element(
    "td",
    {
      class: `status status-${entry.status}`,
      "data-check": checkKey,
      "data-identity": identity,
      "data-status": entry.status,
      ...(entry.note ? { title: entry.note } : {}),
    },
    ...lines,
  );
}

export function renderStatusGrid(report: ReceivedReport, labels: Readonly<Record<string, string>>, now: Date): HTMLTableElement {
  const identities = identitiesOf(report);
  const head = element(
    "thead",
    {},
    element(
      "tr",
      {},
      element("th", { scope: "col", rowspan: "2" }, "Resource / audience"),
      ...identities.map((identity) => element("th", { scope: "colgroup", colspan: "2" }, identity)),
    ),
    element("tr", {}, ...identities.flatMap(() => [element("th", { scope: "col" }, "token"), element("th", { scope: "col" }, "access")])),
  );
  const body = element("tbody");
  for (const component of componentsOf(report)) {
    const tokenKey = component === "identity" ? "identity:endpoint" : `${component}:token`;
    const accessKey = `${component}:access`;
    const audience = report.checks[tokenKey]?.[0]?.componentType === "audience" ? report.checks[tokenKey]?.[0]?.componentId : undefined;
    const label = labels[component] ?? component;
    const row = element(
      "tr",
      {},
      element("th", { scope: "row" }, label, ...(audience ? [element("br"), element("small", {}, audience)] : [])),
    );
    for (const identity of identities) {
      row.append(
        statusCell(
          tokenKey,
          identity,
          report.checks[tokenKey]?.find((entry) => entry.identity === identity),
          now,
        ),
      );
      row.append(
        statusCell(
          accessKey,
          identity,
          report.checks[accessKey]?.find((entry) => entry.identity === identity),
          now,
        ),
      );
    }
    body.append(row);
  }
  return element("table", { class: "grid", "aria-label": "Current status by resource and identity" }, head, body);
}

export function renderProblems(report: ReceivedReport, details: ReceivedReport | undefined): HTMLElement {
  const section = element(
    "section",
    { "aria-labelledby": "problems-title" },
    element("h2", { id: "problems-title" }, "What needs attention"),
  );
  const items: HTMLElement[] = [];
  for (const [key, entries] of Object.entries(report.checks)) {
    for (const entry of entries) {
      if (entry.status !== "fail" && entry.status !== "warn") continue;
      const detailed =
        details?.checks[key]?.find((candidate) => candidate.identity === entry.identity && candidate.status === entry.status) ?? entry;
      const remediation = detailed.remediation ?? detailed.note;
      const item = element(
        "li",
        { class: `problem status-${entry.status}`, "data-check": key, "data-identity": entry.identity ?? "" },
        element(
          "strong",
          {},
          `${key} · ${entry.identity ?? "app"}: ${entry.status.toUpperCase()}${entry.errorCategory ? ` (${entry.errorCategory})` : ""}`,
        ),
      );
      if (detailed.output) item.append(element("div", { class: "output" }, detailed.output));
      if (remediation) {
        const text = element("pre", { class: "remediation" }, remediation);
        const button = element(
          "button",
          { type: "button", class: "copy", "aria-label": `Copy the remediation for ${key} ${entry.identity ?? ""}` },
          "Copy",
        );
        button.addEventListener("click", () => {
          void navigator.clipboard?.writeText(remediation).then(() => (button.textContent = "Copied"));
        });
        item.append(text, button);
      }
      items.push(item);
    }
  }
  section.append(items.length > 0 ? element("ul", { class: "problems" }, ...items) : element("p", {}, "Nothing: every check passes."));
  return section;
}

/** Per check and identity: the last runs oldest → newest, and when the current (or last) failure started and ended. */
export function renderTimeline(history: readonly HistoryEntry[]): HTMLElement {
  const section = element(
    "section",
    { "aria-labelledby": "timeline-title" },
    element("h2", { id: "timeline-title" }, `Last ${history.length} timer runs`),
  );
  if (history.length === 0) {
    section.append(element("p", {}, "No timer runs recorded yet (the timer writes one report per run to the history container)."));
    return section;
  }
  const runs = [...history].reverse();
  const rows = new Map<
    string,
    { key: string; identity: string; statuses: { time: string; status: string; category: string | undefined }[] }
  >();
  for (const run of runs) {
    for (const [key, entries] of Object.entries(run.report.checks)) {
      for (const entry of entries) {
        const identity = entry.identity ?? "app";
        const id = `${key}|${identity}`;
        if (!rows.has(id)) rows.set(id, { key, identity, statuses: [] });
        rows.get(id)?.statuses.push({ time: run.report.time, status: entry.status, category: entry.errorCategory });
      }
    }
  }
  const table = element(
    "table",
    { class: "timeline", "aria-label": "Status of each check over the last timer runs" },
    element(
      "thead",
      {},
      element(
        "tr",
        {},
        element("th", { scope: "col" }, "Check"),
        element("th", { scope: "col" }, "Identity"),
        element("th", { scope: "col" }, "Runs (oldest → newest)"),
        element("th", { scope: "col" }, "Failures"),
      ),
    ),
  );
  const body = element("tbody");
  for (const row of rows.values()) {
    const cells = element("td", { class: "runs" });
    for (const status of row.statuses) {
      cells.append(
        element(
          "span",
          {
            class: `run status-${status.status}`,
            title: `${status.time}: ${status.status}${status.category ? ` (${status.category})` : ""}`,
            "data-status": status.status,
          },
          status.status === "pass" ? "✓" : status.status === "fail" ? "✗" : status.status === "warn" ? "!" : "·",
        ),
      );
    }
    body.append(
      element(
        "tr",
        {},
        element("th", { scope: "row" }, row.key),
        element("td", {}, row.identity),
        cells,
        element("td", { class: "failure-span" }, describeFailures(row.statuses)),
      ),
    );
  }
  table.append(body);
  section.append(table);
  return section;
}

function describeFailures(statuses: readonly { time: string; status: string }[]): string {
  let start: string | undefined;
  let lastSpan: { start: string; end: string } | undefined;
  for (const status of statuses) {
    if (status.status === "fail" && start === undefined) start = status.time;
    if (status.status !== "fail" && start !== undefined) {
      lastSpan = { start, end: status.time };
      start = undefined;
    }
  }
  const format = (time: string): string => new Date(time).toLocaleString();
  if (start !== undefined) return `failing since ${format(start)}`;
  if (lastSpan) return `failed ${format(lastSpan.start)} – recovered ${format(lastSpan.end)}`;
  return "none";
}

export function renderDashboard(root: HTMLElement, state: DashboardState): void {
  const now = new Date();
  const children: Node[] = [];
  const status = state.current?.status ?? "unknown";
  children.push(
    element(
      "header",
      {},
      element("h1", {}, "identity-probe"),
      element("p", { class: `overall status-${status}`, role: "status", "data-overall": status }, `Overall: ${status.toUpperCase()}`),
      element("p", { class: `mode mode-${state.mode.kind}`, "data-mode": state.mode.kind }, state.mode.note),
      element("p", { class: "updated" }, state.updatedAt ? `Updated ${state.updatedAt.toLocaleTimeString()}` : "Loading…"),
    ),
  );
  if (state.error) children.push(element("p", { class: "error", role: "alert" }, state.error));
  if (state.current) {
    children.push(
      element(
        "section",
        { "aria-labelledby": "grid-title" },
        element("h2", { id: "grid-title" }, "Now"),
        renderStatusGrid(state.current, state.labels, now),
      ),
    );
    children.push(renderProblems(state.current, state.details));
  }
  children.push(renderTimeline(state.history));
  root.replaceChildren(...children);
}
