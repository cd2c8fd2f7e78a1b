// Turns one check's run into its report entry: what was checked, for whom, when and how long it took,
// and for a failure its category, output and remediation; the warn rules decide pass or warn.
import type { ConfigProblem } from "../config.js";
import { sameResource, type Audience } from "../identity/audienceCatalog.js";
import type { IdentityEndpointCheckResult } from "../identity/identityEndpointCheck.js";
import type { TokenProbeResult } from "../identity/tokenProbe.js";
import type { ProbedResource } from "../resources/resourceDefinition.js";
import type { CheckEntry } from "../shared/healthReport.js";
import { classifyCheckFailure, type ClassifiedError, type FailureSource } from "./classifyError.js";
import type { CheckRun } from "./probeEngine.js";
import { remediationFor, type RemediationContext } from "./remediation.js";
import { expiryNote, propagationNote, slowNote } from "./warnRules.js";

type Measured = Pick<CheckEntry, "componentId" | "componentType" | "identity" | "observedValue" | "observedUnit" | "time">;
type Failed = Extract<CheckRun<unknown>, { kind: "failure" }>;

/** Who the entry is for, and what the remediation may name about them. */
export interface EntryIdentity {
  readonly name: string;
  readonly clientId: string | undefined;
  /** The principal's object ID, once a token told us. */
  readonly objectId: string | undefined;
}

export interface EntryContext {
  readonly identity: EntryIdentity;
  readonly timeoutMs: number;
  readonly now: number;
}

function measured(run: CheckRun<unknown>, componentId: string, componentType: CheckEntry["componentType"], identity: string): Measured {
  return {
    componentId,
    componentType,
    identity,
    observedValue: Math.round(run.durationMs),
    observedUnit: "ms",
    time: new Date(run.startedAt).toISOString(),
  };
}

function passOrWarn(notes: readonly (string | undefined)[]): Pick<CheckEntry, "status" | "note"> {
  const present = notes.filter((note): note is string => note !== undefined);
  return present.length > 0 ? { status: "warn", note: present.join("; ") } : { status: "pass" };
}

function withRemediation(context: RemediationContext): { remediation?: string } {
  const remediation = remediationFor(context);
  return remediation ? { remediation } : {};
}

/** The failure's category, and what the service said (status and code, else its message) as output. */
function failureFields(classified: ClassifiedError): Pick<CheckEntry, "errorCategory" | "output"> {
  const output = [classified.status, classified.code].filter((part) => part !== undefined).join(" ") || classified.message;
  return { errorCategory: classified.category, ...(output ? { output } : {}) };
}

function remediationBase(context: EntryContext): Pick<RemediationContext, "identityName" | "clientId" | "objectId" | "timeoutMs"> {
  return {
    identityName: context.identity.name,
    clientId: context.identity.clientId,
    objectId: context.identity.objectId,
    timeoutMs: context.timeoutMs,
  };
}

function failedEntry(
  common: Measured,
  run: Failed,
  source: FailureSource,
  remediation: Omit<RemediationContext, "category" | "status">,
): CheckEntry {
  const classified = classifyCheckFailure(run, source);
  return {
    ...common,
    status: "fail",
    ...failureFields(classified),
    ...withRemediation({ ...remediation, category: classified.category, ...(classified.status ? { status: classified.status } : {}) }),
  };
}

export function tokenEntry(run: CheckRun<TokenProbeResult>, audience: Audience, context: EntryContext): CheckEntry {
  const common = measured(run, audience.resource, "audience", context.identity.name);
  const base = { ...remediationBase(context), kind: "token" as const, audience: audience.resource };
  if (run.kind === "failure") return failedEntry(common, run, "identity", { ...base, objectId: undefined });
  // A token for another audience is useless to the resource (it answers 401): catch it here, by name.
  const audienceClaim = run.value.claims?.audience;
  if (audienceClaim !== undefined && !sameResource(audienceClaim, audience.resource)) {
    return {
      ...common,
      status: "fail",
      errorCategory: "audience-invalid",
      output: `token audience ${audienceClaim.replace(/\/+$/, "")}`,
      tokenSource: run.value.tokenSource,
      ...withRemediation({ ...base, category: "audience-invalid", objectId: run.value.claims?.objectId }),
    };
  }
  return {
    ...common,
    ...passOrWarn([expiryNote(run.value.expiresOn, context.now), slowNote(run.durationMs, context.timeoutMs)]),
    tokenSource: run.value.tokenSource,
    expiresOn: run.value.expiresOn.toISOString(),
  };
}

export function accessEntry(
  run: CheckRun<void>,
  resource: ProbedResource,
  target: { readonly componentId: string; readonly endpoint: string; readonly scope: string | undefined },
  context: EntryContext & { readonly firstTokenAt: number | undefined },
): CheckEntry {
  const common = measured(run, target.componentId, "datastore", context.identity.name);
  if (run.kind === "success") return { ...common, ...passOrWarn([slowNote(run.durationMs, context.timeoutMs)]) };
  const { definition } = resource;
  const entry = failedEntry(common, run, "resource", {
    ...remediationBase(context),
    kind: "access",
    resource: {
      displayName: definition.displayName,
      roleName: definition.dataRole.name,
      scope: target.scope,
      endpoint: target.endpoint,
      scopeSetting: definition.scopeSetting,
    },
  });
  const note = entry.errorCategory ? propagationNote(entry.errorCategory, context.firstTokenAt, context.now) : undefined;
  return note ? { ...entry, status: "warn", note } : entry;
}

export function endpointEntry(run: CheckRun<IdentityEndpointCheckResult>, componentId: string, context: EntryContext): CheckEntry {
  const common = measured(run, componentId, "system", context.identity.name);
  if (run.kind === "success") return { ...common, ...passOrWarn([slowNote(run.durationMs, context.timeoutMs)]) };
  return failedEntry(common, run, "identity", { ...remediationBase(context), objectId: undefined, kind: "endpoint" });
}

/** An access check that did not run: the resource is not configured (`skipped`) or configured wrongly. */
export function unconfiguredEntry(resource: ProbedResource, identityName: string, time: string): CheckEntry {
  const { access, definition } = resource;
  const common = { componentId: definition.component, componentType: "datastore", identity: identityName, time } as const;
  if (access.state === "unset") return { ...common, status: "skipped", output: `${access.setting} is not set` };
  const problems = access.state === "misconfigured" ? access.problems : [];
  const settingsNamed = problems.map((problem) => problem.setting).join(", ");
  return {
    ...common,
    status: "fail",
    errorCategory: "misconfigured",
    output: problems.map((problem) => problem.message).join("; "),
    remediation: `Correct the app setting${problems.length > 1 ? "s" : ""} ${settingsNamed} (see the README's configuration table).`,
  };
}

/** Malformed settings that belong to no resource. */
export function settingsEntries(problems: readonly ConfigProblem[], time: string, timeoutMs: number): CheckEntry[] {
  return problems.map((problem) => ({
    componentId: problem.setting,
    componentType: "system",
    status: "fail",
    time,
    errorCategory: "misconfigured",
    output: problem.message,
    ...withRemediation({
      category: "misconfigured",
      kind: "access",
      identityName: "app",
      clientId: undefined,
      objectId: undefined,
      timeoutMs,
      setting: problem.setting,
    }),
  }));
}
