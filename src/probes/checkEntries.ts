// Turns one check's run into its report entry: what was checked, for whom, when and how long it took,
// and for a failure its category, output and remediation; the warn rules decide pass or warn.
import type { ConfigProblem } from "../config.js";
import type { Audience } from "../identity/audienceCatalog.js";
import type { IdentityEndpointCheckResult } from "../identity/identityEndpointCheck.js";
import type { TokenProbeResult } from "../identity/tokenProbe.js";
import type { AccessTarget, RbacReader, ResourceDefinition, RoleGrant } from "../resources/resourceDefinition.js";
import { RememberedFailure } from "../identity/rememberedFailure.js";
import type { CheckEntry, RbacExplanation, RememberedResult } from "../shared/healthReport.js";
import { classifyCheckFailure, type ClassifiedError } from "./classifyError.js";
import type { CheckRun } from "./probeEngine.js";
import { remediationFor, type RemediationContext } from "./remediation.js";
import { excessGrants, excessNote } from "./privilegeAudit.js";
import { readVerdict, type VerdictReading } from "./rbacExplanation.js";
import { expiryNote, forbiddenNote, propagationWindowMs, slowNote } from "./warnRules.js";

type Measured = Pick<CheckEntry, "componentId" | "componentType" | "identity" | "observedValue" | "observedUnit" | "time">;

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

/** What the politeness rules did to one run of a check that asks the identity endpoint. */
export interface PoliteRun {
  /** The check's request never left: it waited for the identity endpoint's limits past its deadline. */
  readonly notStarted?: { readonly maxInFlight: number; readonly maxPerSecond: number };
  /** The result was observed earlier, at this time, and is given again. */
  readonly observedAt?: number;
  /** When the probe asks the identity endpoint again. */
  readonly nextAttemptAt?: number;
  readonly isRetryAfter?: boolean;
}

/** A failed token request answered from memory: what the politeness rules did, from the error itself. */
export function rememberedRun(error: unknown): PoliteRun {
  if (!(error instanceof RememberedFailure)) return {};
  return {
    ...(error.isRecalled ? { observedAt: error.observedAt } : {}),
    nextAttemptAt: error.retryAt,
    isRetryAfter: error.isRetryAfter,
  };
}

function rememberedField(polite: PoliteRun, now: number): { remembered?: RememberedResult } {
  if (polite.observedAt === undefined) return {};
  return {
    remembered: {
      observedAt: new Date(polite.observedAt).toISOString(),
      ageSeconds: Math.max(0, Math.round((now - polite.observedAt) / 1000)),
      nextAttemptAt: new Date(Math.max(polite.nextAttemptAt ?? now, now)).toISOString(),
    },
  };
}

/** A check that did not start in time: its request waited for the identity endpoint's limits until its deadline. */
function notStartedEntry(common: Measured, limits: NonNullable<PoliteRun["notStarted"]>, timeoutMs: number): CheckEntry {
  return {
    ...common,
    status: "fail",
    errorCategory: "timeout",
    output: `not started within ${timeoutMs} ms: waiting for its turn at the identity endpoint`,
    remediation:
      `The check's request waited behind others and was never sent: this process sends at most ${limits.maxInFlight} requests at once and ` +
      `${limits.maxPerSecond} per second to the identity endpoint (IMDS's own limits). Probe fewer identities × audiences, ` +
      "or raise IDENTITY_PROBE_TIMEOUT_MS so that queued checks can finish.",
  };
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

/** What the service said, as output: status and code, else its message. */
function outputOf(classified: ClassifiedError): string {
  return [classified.status, classified.code].filter((part) => part !== undefined).join(" ") || classified.message;
}

function baseContext(context: EntryContext): Pick<RemediationContext, "identityName" | "clientId" | "objectId" | "timeoutMs"> {
  return {
    identityName: context.identity.name,
    clientId: context.identity.clientId,
    objectId: context.identity.objectId,
    timeoutMs: context.timeoutMs,
  };
}

function failedEntry(common: Measured, classified: ClassifiedError, remediation: RemediationContext): CheckEntry {
  return {
    ...common,
    status: "fail",
    errorCategory: classified.category,
    output: outputOf(classified),
    remediation: remediationFor(classified, remediation),
  };
}

export function tokenEntry(run: CheckRun<TokenProbeResult>, audience: Audience, context: EntryContext, polite: PoliteRun = {}): CheckEntry {
  const common = measured(run, audience.resource, "audience", context.identity.name);
  if (run.kind === "failure") {
    if (run.timedOut && polite.notStarted) return notStartedEntry(common, polite.notStarted, context.timeoutMs);
    const remembered = { ...rememberedRun(run.error), ...polite };
    return {
      ...failedEntry(common, classifyCheckFailure(run, "identity"), {
        ...baseContext(context),
        kind: "token",
        audience: audience.resource,
        objectId: undefined,
        ...politeContext(remembered, context.now),
      }),
      ...rememberedField(remembered, context.now),
    };
  }
  return {
    ...common,
    ...passOrWarn([expiryNote(run.value.expiresOn, context.now), slowNote(run.durationMs, context.timeoutMs)]),
    tokenSource: run.value.tokenSource,
    expiresOn: run.value.expiresOn.toISOString(),
  };
}

export interface AccessOutcome {
  readonly classified: ClassifiedError | undefined;
  /** When this identity was first seen refused by this resource, for a 403 that may still be propagating. */
  readonly forbiddenSince: number | undefined;
  /** The same identity's token check for the resource's audience: an access check without a token shares its cause. */
  readonly tokenEntry: CheckEntry | undefined;
  /** Why Azure RBAC refused it, from ARM, for a forbidden check. */
  readonly rbac: RbacExplanation | undefined;
}

export function accessEntry(
  run: CheckRun<void>,
  definition: ResourceDefinition,
  target: AccessTarget,
  outcome: AccessOutcome,
  context: EntryContext,
): CheckEntry {
  const common = measured(run, target.componentId, "datastore", context.identity.name);
  const { classified } = outcome;
  if (run.kind === "success" || !classified) return { ...common, ...passOrWarn([slowNote(run.durationMs, context.timeoutMs)]) };
  // No token, no access check: the token check of the same identity says why, in the same words.
  if (classified.origin === "identity" && outcome.tokenEntry?.status === "fail") {
    const { errorCategory, output, remediation } = outcome.tokenEntry;
    return {
      ...common,
      status: "fail",
      ...(errorCategory ? { errorCategory } : {}),
      ...(output ? { output } : {}),
      ...(remediation ? { remediation } : {}),
      note: `no token for ${definition.audience}: see ${definition.component}:token`,
    };
  }
  const entry = failedEntry(common, classified, {
    ...baseContext(context),
    kind: classified.origin === "identity" ? "token" : "access",
    audience: definition.audience,
    resource: {
      displayName: definition.displayName,
      roleName: definition.dataRole.name,
      scope: target.scope,
      endpoint: target.endpoint,
      scopeSetting: definition.scopeSetting,
      endpointSetting: definition.endpointSetting,
    },
  });
  const seen = outcome.forbiddenSince === undefined ? undefined : forbiddenNote(outcome.forbiddenSince, context.now);
  const history: VerdictReading | undefined = seen && { isLikelyPropagating: seen.isLikelyPropagating, note: seen.text };
  if (outcome.rbac && classified.category !== "forbidden") {
    // A 403 the service words as something else (a firewall): the row's fix stands; ARM's view is added.
    const reading = readVerdict(outcome.rbac, { now: context.now, propagationWindowMs, historyNote: undefined, resource: definition.displayName });
    return { ...entry, note: reading.note, rbac: outcome.rbac };
  }
  if (outcome.rbac) {
    // ARM's answer replaces the history's estimate wherever it can date or rule out propagation.
    const reading = readVerdict(outcome.rbac, { now: context.now, propagationWindowMs, historyNote: history, resource: definition.displayName });
    return {
      ...entry,
      status: reading.isLikelyPropagating ? "warn" : "fail",
      note: reading.note,
      ...(reading.remediation ? { remediation: reading.remediation } : {}),
      rbac: outcome.rbac,
    };
  }
  if (history === undefined) return entry;
  return { ...entry, status: history.isLikelyPropagating ? "warn" : "fail", note: history.note };
}

export function endpointEntry(
  run: CheckRun<IdentityEndpointCheckResult>,
  componentId: string,
  context: EntryContext,
  polite: PoliteRun = {},
): CheckEntry {
  const common = { ...measured(run, componentId, "system", context.identity.name), ...rememberedField(polite, context.now) };
  if (run.kind === "success") return { ...common, ...passOrWarn([slowNote(run.durationMs, context.timeoutMs)]) };
  if (run.timedOut && polite.notStarted)
    return { ...notStartedEntry(common, polite.notStarted, context.timeoutMs), ...rememberedField(polite, context.now) };
  return failedEntry(common, classifyCheckFailure(run, "identity"), {
    ...baseContext(context),
    objectId: undefined,
    kind: "endpoint",
    ...politeContext(polite, context.now),
  });
}

function politeContext(polite: PoliteRun, now: number): Pick<RemediationContext, "nextAttemptAt" | "isRetryAfter" | "now"> {
  return {
    now,
    ...(polite.nextAttemptAt !== undefined ? { nextAttemptAt: polite.nextAttemptAt } : {}),
    ...(polite.isRetryAfter !== undefined ? { isRetryAfter: polite.isRetryAfter } : {}),
  };
}

/** What the privilege audit read: the identity's grants around the app's resource group, or nothing without its object ID. */
export type PrivilegeRead = { readonly reader: RbacReader; readonly grants: readonly RoleGrant[] } | undefined;

/** `rbac:privilege`: `warn` naming each grant to remove, `pass` when there is none, `skipped` when ARM would not say. */
export function privilegeEntry(run: CheckRun<PrivilegeRead>, identityName: string): CheckEntry {
  const common = { componentType: "system", identity: identityName, time: new Date(run.startedAt).toISOString() } as const;
  if (run.kind === "failure") {
    const { statusCode, code } = (run.error ?? {}) as { statusCode?: unknown; code?: unknown };
    const answer = [typeof statusCode === "number" ? statusCode : undefined, typeof code === "string" ? code : undefined].filter(Boolean).join(" ");
    return {
      ...common,
      componentId: "rbac",
      status: "skipped",
      output: `role assignments unreadable (${answer || "no answer"}): Reader on the resource group lets an identity read its own`,
    };
  }
  if (run.value === undefined)
    return { ...common, componentId: "rbac", status: "skipped", output: "the identity's object ID is not known: it got no token" };
  const excess = excessGrants(run.value.grants, run.value.reader.subscriptionScope);
  const componentId = run.value.reader.auditScope;
  return excess.length > 0 ? { ...common, componentId, status: "warn", note: excessNote(excess) } : { ...common, componentId, status: "pass" };
}

/** An access check that did not run: the resource is not configured (`skipped`) or configured wrongly. */
export function unconfiguredEntry(
  definition: ResourceDefinition,
  problems: readonly ConfigProblem[] | undefined,
  identityName: string,
  time: string,
): CheckEntry {
  const common = { componentId: definition.component, componentType: "datastore", identity: identityName, time } as const;
  if (problems === undefined) return { ...common, status: "skipped", output: `${definition.endpointSetting} is not set` };
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
export function settingsEntries(problems: readonly ConfigProblem[], time: string): CheckEntry[] {
  return problems.map((problem) => ({
    componentId: problem.setting,
    componentType: "system",
    status: "fail",
    time,
    errorCategory: "misconfigured",
    output: problem.message,
    remediation: `Correct the app setting ${problem.setting} (see the README's configuration table).`,
  }));
}
