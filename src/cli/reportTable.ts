// The report as a person reads it on a terminal: one row per check and identity (check, identity,
// status, latency, category) and, under every row that is not a pass, what went wrong and the fix.
// Colour marks the statuses only, and only on a terminal that wants it (https://no-color.org).

/** What the table reads: satisfied by the probe engine's HealthReport and by a report read over HTTP. */
export interface ReportView {
  readonly status: string;
  readonly releaseId: string;
  readonly serviceId: string;
  readonly time: string;
  readonly identity?:
    | {
        readonly source: string;
        readonly credential?: string | undefined;
        readonly credentialFailures?:
          readonly { readonly credential: string; readonly error: string; readonly message: string }[] | undefined;
        readonly identities: readonly ReportViewIdentity[];
      }
    | undefined;
  readonly checks: Readonly<Record<string, readonly ReportViewEntry[]>>;
}

export interface ReportViewIdentity {
  readonly name: string;
  readonly clientId?: string | undefined;
  readonly objectId?: string | undefined;
  readonly tenantId?: string | undefined;
}

export interface ReportViewEntry {
  readonly identity?: string | undefined;
  readonly status: string;
  readonly observedValue?: number | undefined;
  readonly errorCategory?: string | undefined;
  readonly output?: string | undefined;
  readonly note?: string | undefined;
  readonly remediation?: string | undefined;
  readonly remembered?: { readonly observedAt: string; readonly ageSeconds: number; readonly nextAttemptAt: string } | undefined;
}

export interface RenderOptions {
  readonly color: boolean;
}

/** no-color.org: NO_COLOR present and not empty turns colour off, whatever its value. */
export function shouldUseColor(options: { readonly isTTY: boolean | undefined; readonly noColor: string | undefined }): boolean {
  return options.isTTY === true && (options.noColor === undefined || options.noColor === "");
}

const ansi = { reset: "\u001b[0m", bold: "\u001b[1m", dim: "\u001b[2m", red: "\u001b[31m", green: "\u001b[32m", yellow: "\u001b[33m" };

type Paint = (text: string, ...styles: (keyof typeof ansi)[]) => string;

function painter(color: boolean): Paint {
  return (text, ...styles) => (color && text.length > 0 ? `${styles.map((style) => ansi[style]).join("")}${text}${ansi.reset}` : text);
}

const statusStyle: Record<string, (keyof typeof ansi)[]> = {
  pass: ["green"],
  warn: ["yellow"],
  fail: ["red", "bold"],
  skipped: ["dim"],
};

interface Row {
  readonly cells: readonly [check: string, identity: string, status: string, latency: string, category: string];
  readonly status: string;
  readonly details: readonly { readonly label: string; readonly text: string }[];
}

/** Terminal output must not be steered by what a server sent: no escape sequences, one line per field. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]+/gu, " ").trim();
}

function detailsOf(entry: ReportViewEntry): Row["details"] {
  const details: { label: string; text: string }[] = [];
  const add = (label: string, text: string | undefined): void => {
    if (text !== undefined && text.trim() !== "") details.push({ label, text: printable(text) });
  };
  if (entry.status === "fail") add("output", entry.output);
  if (entry.status === "skipped") add("skipped", entry.output);
  if (entry.status !== "pass") {
    add("note", entry.note);
    add("fix", entry.remediation);
  }
  // Given again rather than asked again (a remembered failure, the raw check within its interval).
  if (entry.remembered) {
    add(
      "remembered",
      `observed ${entry.remembered.ageSeconds} s ago (${entry.remembered.observedAt}); asked again from ${entry.remembered.nextAttemptAt}`,
    );
  }
  return details;
}

function rowsOf(report: ReportView): Row[] {
  const rows: Row[] = [];
  for (const [key, entries] of Object.entries(report.checks)) {
    for (const entry of entries) {
      rows.push({
        cells: [
          printable(key),
          printable(entry.identity ?? "-"),
          printable(entry.status),
          entry.observedValue === undefined ? "-" : `${entry.observedValue} ms`,
          printable(entry.errorCategory ?? ""),
        ],
        status: entry.status,
        details: detailsOf(entry),
      });
    }
  }
  return rows;
}

function describeIdentity(identity: ReportViewIdentity): string {
  const ids = [
    identity.clientId ? `client ${identity.clientId}` : undefined,
    identity.objectId ? `object ${identity.objectId}` : undefined,
    identity.tenantId ? `tenant ${identity.tenantId}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return printable(ids.length > 0 ? `${identity.name} (${ids.join(", ")})` : identity.name);
}

export function renderReportTable(report: ReportView, options: RenderOptions): string {
  const paint = painter(options.color);
  const lines: string[] = [];
  const status = printable(report.status);
  lines.push(
    `identity-probe: ${paint(status.toUpperCase(), ...new Set([...(statusStyle[status] ?? []), "bold" as const]))}  ` +
      paint(`service ${printable(report.serviceId)} · release ${printable(report.releaseId)} · ${printable(report.time)}`, "dim"),
  );
  if (report.identity) {
    const { source, credential, credentialFailures } = report.identity;
    lines.push(`source: ${printable(source)} · credential: ${printable(credential ?? "none answered")}`);
    for (const failure of credentialFailures ?? []) {
      lines.push(
        `  ${paint(`${printable(failure.credential)}:`, "dim")} ${printable(`${failure.error}: ${failure.message}`).slice(0, 300)}`,
      );
    }
    lines.push("identities:");
    for (const identity of report.identity.identities) lines.push(`  ${describeIdentity(identity)}`);
  }
  lines.push("");

  const rows = rowsOf(report);
  const headings = ["CHECK", "IDENTITY", "STATUS", "LATENCY", "CATEGORY"] as const;
  const widths = headings.map((heading, column) => Math.max(heading.length, ...rows.map((row) => row.cells[column]?.length ?? 0)));
  const latencyColumn = 3;
  const line = (cells: readonly string[], style?: (column: number, padded: string) => string): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        // Widths are measured on plain text; colour wraps the padded cell so columns stay aligned.
        const padded = column === latencyColumn ? cell.padStart(width) : cell.padEnd(width);
        return style ? style(column, padded) : padded;
      })
      .join("  ")
      .trimEnd();

  lines.push(paint(line(headings), "bold"));
  const indent = " ".repeat(2);
  for (const row of rows) {
    lines.push(line(row.cells, (column, padded) => (column === 2 ? paint(padded, ...(statusStyle[row.status] ?? [])) : padded)));
    for (const detail of row.details) lines.push(`${indent}${paint(`${detail.label}:`, "dim")} ${detail.text}`);
  }

  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  const tally = ["pass", "warn", "fail", "skipped"]
    .filter((name) => counts.has(name))
    .map((name) => `${counts.get(name)} ${name}`)
    .join(", ");
  lines.push("");
  lines.push(`${rows.length} check${rows.length === 1 ? "" : "s"}${tally ? `: ${tally}` : ""}`);
  const hasUnexplainedProblem = rows.some((row) => (row.status === "fail" || row.status === "warn") && row.details.length === 0);
  if (report.identity === undefined && hasUnexplainedProblem) {
    lines.push("This is the anonymous summary: the details route (/api/health/identity/details, with --key) names the cause and the fix.");
  }
  return `${lines.join("\n")}\n`;
}
