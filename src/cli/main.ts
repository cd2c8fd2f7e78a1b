// `identity-probe`: the deployment pipeline's view of the identity health report. `probe` runs the app's
// probe engine from here; `check` reads a deployed app's report. The result goes to stdout (a table, or
// the report itself with --json), a one-line reason to stderr when there is no verdict, and the exit code
// says which (exitCode.ts). Built to dist/cli/identity-probe.js, the package's bin.
import { loadConfig } from "../config.js";
import { redact } from "../probes/classifyError.js";
import { resourceDefinitions } from "../resources/resourceDefinitions.js";
import { parseCliArguments, type CheckCommand, type OutputOptions, type ProbeCommand } from "./cliArguments.js";
import { cliVersion } from "./cliVersion.js";
import { exitCodeFor, exitCodes, type ExitCode } from "./exitCode.js";
import { displayUrl, fetchReport } from "./fetchReport.js";
import { describeProbe, probeEnvironment, runProbe, type Environment } from "./probeCommand.js";
import { startProgressLine } from "./progressLine.js";
import { renderReportTable, shouldUseColor, type ReportView } from "./reportTable.js";
import { usageText } from "./usage.js";

// The CLI's edge, like config.ts is the app's: the environment enters here once and is passed on as a
// value (to loadConfig, to the colour decision); flags are applied to a copy, never to process.env.
const processEnvironment: Environment = process.env;

/** Resolves when the stream has taken the text (or failed: a closed pipe is not worth a crash). */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve());
  });
}

/** One line on stderr: no secrets, no control characters, whatever produced the reason. */
async function noVerdict(reason: string, secrets: readonly (string | undefined)[] = []): Promise<ExitCode> {
  let line = redact(reason.replace(/[\p{Cc}\p{Cf}]+/gu, " "));
  for (const secret of secrets) if (secret) line = line.split(secret).join("[redacted]");
  await write(process.stderr, `identity-probe: ${line}\n`);
  return exitCodes.noVerdict;
}

async function emit(report: ReportView, options: OutputOptions): Promise<void> {
  if (options.json) {
    await write(process.stdout, `${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const color = shouldUseColor({ isTTY: process.stdout.isTTY, noColor: processEnvironment.NO_COLOR });
  await write(process.stdout, renderReportTable(report, { color }));
}

async function probe(command: ProbeCommand): Promise<ExitCode> {
  const environment = probeEnvironment(processEnvironment, command);
  const config = loadConfig(environment, cliVersion, resourceDefinitions);
  const progress = startProgressLine({
    stream: process.stderr,
    enabled: !command.json,
    text: describeProbe(config, resourceDefinitions),
  });
  try {
    const report = await runProbe({ config, environment, resources: resourceDefinitions });
    progress.stop();
    await emit(report, command);
    return exitCodeFor(report.status, command);
  } catch (error) {
    progress.stop();
    // No report at all: DefaultAzureCredential refused its settings (AZURE_TOKEN_CREDENTIALS), or the
    // report overran its own deadline (ProbeDeadlineError).
    return noVerdict(`probe produced no report: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}

async function check(command: CheckCommand): Promise<ExitCode> {
  const secrets = [command.key, command.url.searchParams.get("code") ?? undefined];
  const progress = startProgressLine({ stream: process.stderr, enabled: !command.json, text: `reading ${displayUrl(command.url)}…` });
  const fetched = await fetchReport({ url: command.url, key: command.key, timeoutMs: command.timeoutMs }).finally(() => progress.stop());
  if (!fetched.ok) return noVerdict(fetched.reason, secrets);
  await emit(fetched.report, command);
  return exitCodeFor(fetched.report.status, command);
}

async function run(argv: readonly string[]): Promise<ExitCode> {
  const parsed = parseCliArguments(argv);
  if (!parsed.ok) return noVerdict(`${parsed.reason} (see identity-probe --help)`);
  const { command } = parsed;
  switch (command.kind) {
    case "help":
      await write(process.stdout, usageText(command.topic));
      return exitCodes.healthy;
    case "version":
      await write(process.stdout, `${cliVersion}\n`);
      return exitCodes.healthy;
    case "probe":
      return probe(command);
    case "check":
      return check(command);
  }
}

// `identity-probe … | head` closes the pipe early: that ends the output, not the process with a stack trace.
process.stdout.on("error", () => undefined);

const exitCode = await run(process.argv.slice(2)).catch((error: unknown) =>
  noVerdict(`unexpected error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`),
);
// Exit now rather than when the event loop drains: a hung dependency's socket (already given up on by its
// deadline) or an HTTP keep-alive pool must not hold a pipeline step open.
process.exit(exitCode);
