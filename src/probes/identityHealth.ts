// Builds the identity health report: for every identity, a token check per audience, an access check per
// configured resource and (for details and the timer) a raw identity-endpoint check — all at once through
// the probe engine, each under the deadline. Concurrent callers share one report in flight.
import type { AppConfig } from "../config.js";
import { scopeFor, type Audience } from "../identity/audienceCatalog.js";
import { callIdentityEndpoint, describeIdentityEndpoint, identityEndpointComponent } from "../identity/identityEndpointCheck.js";
import type { IdentityEndpointGate } from "../identity/identityEndpointGate.js";
import type { ManagedIdentityHost } from "../identity/managedIdentityHost.js";
import type { ProbedIdentity } from "../identity/sharedCredential.js";
import { createTokenProber, type TokenProber } from "../identity/tokenProbe.js";
import type { ProbedResource, RbacReader } from "../resources/resourceDefinition.js";
import type { ProbeHistory } from "../services/blob/probeHistory.js";
import { formatCheckKey, type CheckEntry, type CheckKey, type HealthReport, type RbacExplanation } from "../shared/healthReport.js";
import { createSharedInFlight, type AbortSignalLike } from "../shared/sharedInFlight.js";
import {
  accessEntry,
  endpointEntry,
  privilegeEntry,
  settingsEntries,
  tokenEntry,
  unconfiguredEntry,
  type EntryContext,
  type PoliteRun,
  type PrivilegeRead,
} from "./checkEntries.js";
import { classifyCheckFailure, redact } from "./classifyError.js";
import { createForbiddenStreaks, streakKey, type ForbiddenKey } from "./forbiddenStreaks.js";
import { mayBePropagating } from "./remediation.js";
import { singleAudienceNote } from "./warnRules.js";
import { createObservedIdentities } from "./observedIdentities.js";
import { privilegeComponent } from "./privilegeAudit.js";
import { explainForbidden } from "./rbacExplanation.js";
import { CheckTimeoutError, runChecks, type Check, type CheckRun } from "./probeEngine.js";
import { overallStatus } from "./reportSummary.js";
import { tokenCheck } from "./tokenCheck.js";

export type ReportSettings = Pick<AppConfig, "releaseId" | "serviceId" | "timeoutMs" | "generalProblems" | "politeness">;

export interface IdentityHealthOptions {
  readonly settings: ReportSettings;
  /** Where this process gets managed identity tokens (msal-node's source), and where the raw check asks. */
  readonly host: ManagedIdentityHost;
  readonly identities: readonly ProbedIdentity[];
  /** Every audience to ask a token for, resources' first. */
  readonly audiences: readonly Audience[];
  readonly resources: readonly ProbedResource[];
  /** The probe history, where a 403 seen before this process started is remembered. */
  readonly history?: ProbeHistory;
  /** Each identity's own view of Azure RBAC, when Azure Resource Manager is configured: explains 403s, audits privilege. */
  readonly rbac?: (credential: ProbedIdentity["credential"]) => RbacReader;
  readonly tokenProber?: TokenProber;
  readonly identityEndpointCall?: typeof callIdentityEndpoint;
  /** The process's gate to the identity endpoint: the raw check and the token checks' diagnoses wait there too. */
  readonly gate?: IdentityEndpointGate;
  /** How long a finished summary report is given again to the next summary requests (default 1 s). */
  readonly summaryReuseMs?: number;
  readonly clock?: () => number;
}

/**
 * The anonymous summary is built at most once a second: whoever calls it, however often, the app's resources
 * see at most one access check each per second from it (the report's `time` says when it was built). Details
 * and the timer always build their own.
 */
const defaultSummaryReuseMs = 1_000;

export interface GetReportOptions {
  /**
   * Details and the timer probe, not the anonymous summary: the raw identity-endpoint check and the
   * least-privilege audit run too.
   */
  readonly includeIdentityEndpoint: boolean;
  readonly abortSignal?: AbortSignalLike;
}

export interface IdentityHealth {
  getReport(options: GetReportOptions): Promise<HealthReport>;
}

/** The audience the raw identity-endpoint check asks for: ARM, which every identity can get a token for. */
const endpointCheckResource = "https://management.azure.com";
const identityEndpointKey: CheckKey = { component: identityEndpointComponent.component, measurement: "endpoint" };
const settingsKey: CheckKey = { component: "config", measurement: "settings" };
/** Below this, what is left of the deadline cannot carry an ARM call: the follow-up reads are not sent. */
const minFollowUpMs = 100;
const privilegeKey: CheckKey = { component: privilegeComponent.component, measurement: "privilege" };

interface Planned<T> {
  readonly key: CheckKey;
  readonly identity: ProbedIdentity;
  readonly check: Check<T>;
}

export function createIdentityHealth(options: IdentityHealthOptions): IdentityHealth {
  const { settings, identities, audiences, resources } = options;
  const clock = options.clock ?? Date.now;
  const endpointCall = options.identityEndpointCall ?? callIdentityEndpoint;
  const { gate, host } = options;
  const checkedEndpoint = host.endpoint.isChecked ? host.endpoint.target : undefined;
  const tokenDependencies = {
    tokenProber: options.tokenProber ?? createTokenProber(),
    identityEndpoint: checkedEndpoint,
    endpointCall,
    ...(gate ? { gate } : {}),
  };
  /** The raw check's last run per identity: it runs at most once per identity per interval. */
  const endpointRuns = new Map<string, CheckRun<EndpointResult>>();
  const reportsInFlight = createSharedInFlight<HealthReport>();
  const observed = createObservedIdentities();
  const forbiddenStreaks = createForbiddenStreaks(options.history);
  const configuredResources = resources.flatMap((resource) =>
    resource.access.state === "configured" ? [{ resource, access: resource.access.value }] : [],
  );

  // Report order: each audience's token check, then its resource's access check; the endpoint and settings last.
  const keyOrder: CheckKey[] = audiences.flatMap((audience): CheckKey[] => [
    { component: audience.component, measurement: "token" },
    ...(resources.some((resource) => resource.definition.component === audience.component)
      ? [{ component: audience.component, measurement: "access" } as const]
      : []),
  ]);
  for (const resource of resources) {
    if (!keyOrder.some((key) => key.component === resource.definition.component && key.measurement === "access"))
      keyOrder.push({ component: resource.definition.component, measurement: "access" });
  }
  keyOrder.push(privilegeKey, identityEndpointKey, settingsKey);

  async function buildReport(includeIdentityEndpoint: boolean, abortSignal: AbortSignal): Promise<HealthReport> {
    const engine = { timeoutMs: settings.timeoutMs, clock, abortSignal };
    const reportStart = clock();
    const startedAt = new Date(reportStart).toISOString();

    const tokenChecks = identities.flatMap((identity) =>
      audiences.map((audience) => {
        const polite: { notStarted?: boolean } = {};
        const check = tokenCheck(tokenDependencies, identity, audience);
        return {
          key: { component: audience.component, measurement: "token" } as const,
          identity,
          audience,
          polite,
          check: ((signal) => {
            // At the deadline: was the request still waiting for its turn at the gate?
            signal.addEventListener(
              "abort",
              () => (polite.notStarted = identity.credential.requestState(scopeFor(audience)) === "waiting"),
              { once: true },
            );
            return check(signal);
          }) satisfies Check<Awaited<ReturnType<typeof check>>>,
        };
      }),
    );
    const accessChecks = identities.flatMap((identity) =>
      configuredResources.map(({ resource, access }) => ({
        key: { component: resource.definition.component, measurement: "access" } as const,
        identity,
        resource,
        access,
        check: ((signal) => access.check(identity.credential, signal)) satisfies Check<void>,
      })),
    );
    // The raw check runs at most once per identity per interval; within it, the last result is given again.
    const endpointPlans =
      includeIdentityEndpoint && checkedEndpoint
        ? identities.map((identity) => {
            const last = endpointRuns.get(identity.selector.name);
            const isFresh = last !== undefined && reportStart - last.startedAt < settings.politeness.endpointCheckIntervalMs;
            return { identity, target: checkedEndpoint, last: isFresh ? last : undefined, started: { value: false } };
          })
        : [];
    const endpointChecks: Planned<EndpointResult>[] = endpointPlans
      .filter((plan) => plan.last === undefined)
      .map(({ identity, target, started }) => ({
        key: identityEndpointKey,
        identity,
        check: (signal) =>
          endpointCall(target, {
            resource: endpointCheckResource,
            clientId: identity.selector.clientId,
            abortSignal: signal,
            timeoutMs: settings.timeoutMs,
            ...(gate ? { gate, onStart: () => (started.value = true) } : {}),
          }),
      }));

    const [tokenRuns, accessRuns, freshEndpointRuns] = await Promise.all([
      runChecks(
        tokenChecks.map((planned) => planned.check),
        engine,
      ),
      runChecks(
        accessChecks.map((planned) => planned.check),
        engine,
      ),
      runChecks(
        endpointChecks.map((planned) => planned.check),
        engine,
      ),
    ]);

    const now = clock();
    const notStarted: PoliteRun = { notStarted: settings.politeness.limits };
    const entries = new Map<string, CheckEntry[]>();
    const add = (key: CheckKey, entry: CheckEntry): void => {
      const name = formatCheckKey(key);
      entries.set(name, [...(entries.get(name) ?? []), entry]);
    };
    const contextFor = (identity: ProbedIdentity): EntryContext => ({
      identity: {
        name: identity.selector.name,
        clientId: identity.selector.clientId,
        objectId: observed.describe(identity.selector.name)?.objectId,
      },
      timeoutMs: settings.timeoutMs,
      now,
    });

    // Token results first: access remediation names the principal that a token told us about.
    const tokenEntries = new Map<string, CheckEntry>();
    tokenChecks.forEach((planned, index) => {
      const run = tokenRuns[index];
      if (!run) return;
      if (run.kind === "success") observed.recordToken(planned.identity.selector, run.value.claims, run.startedAt);
      tokenEntries.set(
        `${planned.identity.selector.name}\n${planned.audience.component}`,
        tokenEntry(run, planned.audience, contextFor(planned.identity), planned.polite.notStarted ? notStarted : {}),
      );
    });
    for (const identity of identities) {
      const own = tokenChecks.filter((planned) => planned.identity === identity);
      const failing = own.filter(
        (planned) => tokenEntries.get(`${identity.selector.name}\n${planned.audience.component}`)?.status === "fail",
      );
      for (const planned of own) {
        const entry = tokenEntries.get(`${identity.selector.name}\n${planned.audience.component}`);
        if (!entry) continue;
        const isSingle = entry.status === "fail" && failing.length < own.length && isAudienceSpecific(entry);
        add(planned.key, isSingle ? { ...entry, note: singleAudienceNote } : entry);
      }
    }

    // 403s that may still be propagating: since when has each been seen (here or in the history)?
    const accessFailures = accessChecks.map((planned, index) => {
      const run = accessRuns[index];
      return run?.kind === "failure" ? classifyCheckFailure(run, "resource", planned.resource.definition.failureSignatures) : undefined;
    });
    const refusals: ForbiddenKey[] = [];
    accessChecks.forEach((planned, index) => {
      const key = { identity: planned.identity.selector.name, component: planned.resource.definition.component };
      const classified = accessFailures[index];
      if (classified && mayBePropagating(classified)) refusals.push(key);
      else forbiddenStreaks.end(key);
    });
    const principalOf = (identity: ProbedIdentity): string | undefined => observed.describe(identity.selector.name)?.objectId;
    // Each forbidden check that needs a data action, explained from ARM with the identity's own token, under the deadline.
    const explained = accessChecks.flatMap((planned, index) => {
      const { definition } = planned.resource;
      const required = definition.operations[definition.accessOperation]?.dataActions ?? [];
      const scope = planned.access.scope;
      const failure = accessFailures[index];
      // Every refusal by Azure RBAC's status (403), whatever the service's words make of it: a firewall's 403 with a
      // role in place reads differently from one without.
      const isRefusal = failure !== undefined && failure.origin === "resource" && (failure.category === "forbidden" || failure.status === 403);
      if (!options.rbac || !isRefusal || required.length === 0 || scope === undefined) return [];
      const reader = options.rbac(planned.identity.credential);
      const access = { scope, requiredDataActions: required, principalId: principalOf(planned.identity) };
      return [
        { index, requiredDataActions: required, check: ((signal) => explainForbidden(reader, access, signal)) satisfies Check<RbacExplanation> },
      ];
    });
    const audits = includeIdentityEndpoint && options.rbac ? identities : [];
    const rbac = options.rbac;
    // Explanations and the audit read ARM after the access checks, in what is left of the report's deadline:
    // the report still ends on time. With too little left, nothing is sent and each says so.
    const remainingMs = settings.timeoutMs - (clock() - reportStart);
    const followUp = remainingMs >= minFollowUpMs ? { ...engine, timeoutMs: remainingMs } : undefined;
    const outOfTime = <T>(count: number): CheckRun<T>[] =>
      Array.from({ length: count }, () => ({
        kind: "failure",
        error: new CheckTimeoutError(settings.timeoutMs),
        timedOut: true,
        startedAt: clock(),
        durationMs: 0,
      }));
    const [refusedSince, explanationRuns, auditRuns] = await Promise.all([
      refusals.length > 0 ? forbiddenStreaks.since(refusals, now, { abortSignal }) : Promise.resolve(new Map<string, number>()),
      followUp
        ? runChecks(
            explained.map((planned) => planned.check),
            followUp,
          )
        : outOfTime<RbacExplanation>(explained.length),
      followUp
        ? runChecks(
            audits.map((identity) => async (signal: AbortSignal): Promise<PrivilegeRead> => {
              const principalId = principalOf(identity);
              if (!rbac || principalId === undefined) return undefined;
              const reader = rbac(identity.credential);
              return { reader, grants: await reader.grantsAround(principalId, { abortSignal: signal }) };
            }),
            followUp,
          )
        : outOfTime<PrivilegeRead>(audits.length),
    ]);
    const explanations = new Map<number, RbacExplanation>();
    explained.forEach((planned, position) => {
      const run = explanationRuns[position];
      if (!run) return;
      explanations.set(
        planned.index,
        run.kind === "success"
          ? run.value
          : {
              verdict: "permissions-unreadable",
              requiredDataActions: planned.requiredDataActions,
              unreadable: run.timedOut ? "permissions: no answer within the deadline" : "permissions: no answer",
            },
      );
    });

    accessChecks.forEach((planned, index) => {
      const run = accessRuns[index];
      if (!run) return;
      const { definition } = planned.resource;
      const identityName = planned.identity.selector.name;
      add(
        planned.key,
        accessEntry(
          run,
          definition,
          planned.access,
          {
            classified: accessFailures[index],
            forbiddenSince: refusedSince.get(streakKey({ identity: identityName, component: definition.component })),
            tokenEntry: tokenEntries.get(`${identityName}\n${definition.component}`),
            rbac: explanations.get(index),
          },
          contextFor(planned.identity),
        ),
      );
    });
    for (const identity of identities) {
      for (const { definition, access } of resources) {
        if (access.state === "configured") continue;
        add(
          { component: definition.component, measurement: "access" },
          unconfiguredEntry(definition, access.state === "misconfigured" ? access.problems : undefined, identity.selector.name, startedAt),
        );
      }
    }
    audits.forEach((identity, index) => {
      const run = auditRuns[index];
      if (run) add(privilegeKey, privilegeEntry(run, identity.selector.name));
    });
    if (!options.rbac && includeIdentityEndpoint) {
      for (const identity of identities)
        add(privilegeKey, { componentId: "rbac", componentType: "system", identity: identity.selector.name, status: "skipped", time: startedAt, output: "Azure Resource Manager is not configured (AZURE_SUBSCRIPTION_ID)" });
    }
    const endpointComponentId = host.endpoint.isChecked ? describeIdentityEndpoint(host.endpoint.target) : host.endpoint.componentId;
    const intervalMs = settings.politeness.endpointCheckIntervalMs;
    // Who answered the app's own identity: the chain's credential when one of its tokens came back in this report.
    const appIdentity = identities.find((identity) => identity.selector.isAppIdentity);
    const appOutcome = appIdentity?.credential.outcome();
    const hasAppToken =
      appIdentity !== undefined &&
      tokenChecks.some((planned, index) => planned.identity === appIdentity && tokenRuns[index]?.kind === "success");
    const answeredBy = hasAppToken ? appOutcome?.answeredBy : undefined;
    /**
     * A developer's own sign-in (az login, …) answered where no managed identity endpoint is: the raw check has
     * nothing to prove there, and says so rather than failing the report.
     */
    const forHost = (identity: ProbedIdentity, entry: CheckEntry): CheckEntry =>
      identity === appIdentity &&
      answeredBy !== undefined &&
      answeredBy !== "ManagedIdentityCredential" &&
      entry.errorCategory === "identity-unavailable"
        ? {
            componentId: entry.componentId,
            componentType: entry.componentType,
            identity: identity.selector.name,
            status: "skipped",
            time: entry.time,
            output: `no managed identity endpoint answered here (${entry.output ?? "no answer"}): the app's tokens came from ${answeredBy}`,
          }
        : entry;
    if (includeIdentityEndpoint && !host.endpoint.isChecked) {
      for (const identity of identities) {
        add(identityEndpointKey, {
          componentId: host.endpoint.componentId,
          componentType: "system",
          identity: identity.selector.name,
          status: "skipped",
          time: startedAt,
          output: host.endpoint.reason,
        });
      }
    }
    endpointChecks.forEach((planned, index) => {
      const run = freshEndpointRuns[index];
      if (!run) return;
      const plan = endpointPlans.find((candidate) => candidate.identity === planned.identity);
      const wasNotSent = run.kind === "failure" && run.timedOut && gate !== undefined && plan?.started.value === false;
      // A report its caller abandoned says nothing about the endpoint; nor does a check that never left.
      if (!abortSignal.aborted && !wasNotSent) endpointRuns.set(planned.identity.selector.name, run);
      add(
        planned.key,
        forHost(
          planned.identity,
          endpointEntry(run, endpointComponentId, contextFor(planned.identity), {
            ...(wasNotSent ? notStarted : {}),
            ...(intervalMs > 0 && !wasNotSent ? { nextAttemptAt: run.startedAt + intervalMs } : {}),
          }),
        ),
      );
    });
    for (const plan of endpointPlans) {
      if (!plan.last) continue;
      add(
        identityEndpointKey,
        forHost(
          plan.identity,
          endpointEntry({ ...plan.last, startedAt: now }, endpointComponentId, contextFor(plan.identity), {
            observedAt: plan.last.startedAt,
            nextAttemptAt: plan.last.startedAt + intervalMs,
          }),
        ),
      );
    }
    for (const entry of settingsEntries(settings.generalProblems, startedAt)) add(settingsKey, entry);

    const checks: Record<string, CheckEntry[]> = {};
    for (const key of keyOrder) {
      const name = formatCheckKey(key);
      const found = entries.get(name);
      if (found) checks[name] = sortByIdentity(found, identities);
    }
    return {
      status: overallStatus(checks),
      version: "1",
      releaseId: settings.releaseId,
      serviceId: settings.serviceId,
      time: startedAt,
      identity: {
        source: host.source,
        ...(answeredBy ? { credential: answeredBy } : {}),
        ...(!hasAppToken && appOutcome?.last === "failed" && appOutcome.failures
          ? { credentialFailures: appOutcome.failures.map((failure) => ({ ...failure, message: redact(failure.message) })) }
          : {}),
        identities: identities.map(
          ({ selector }) =>
            observed.describe(selector.name) ?? { name: selector.name, ...(selector.clientId ? { clientId: selector.clientId } : {}) },
        ),
      },
      checks,
    };
  }

  const summaryReuseMs = options.summaryReuseMs ?? defaultSummaryReuseMs;
  let lastSummary: { readonly report: HealthReport; readonly finishedAt: number } | undefined;

  return {
    getReport({ includeIdentityEndpoint, abortSignal }) {
      if (!includeIdentityEndpoint && lastSummary && clock() - lastSummary.finishedAt < summaryReuseMs)
        return Promise.resolve(lastSummary.report);
      const report = reportsInFlight.run(
        includeIdentityEndpoint ? "details" : "summary",
        (signal) => buildReport(includeIdentityEndpoint, signal),
        {
          abortSignal,
        },
      );
      if (!includeIdentityEndpoint) {
        report.then(
          (built) => {
            lastSummary = { report: built, finishedAt: clock() };
          },
          () => undefined,
        );
      }
      return report;
    },
  };
}

type EndpointResult = Awaited<ReturnType<typeof callIdentityEndpoint>>;

/** Failures that can be one audience's own: the endpoint's error or one nobody recognises, not "no identity here". */
function isAudienceSpecific(entry: CheckEntry): boolean {
  return entry.errorCategory === "endpoint-error" || entry.errorCategory === "unknown";
}

/** One entry per identity, in the order the identities are configured. */
function sortByIdentity(entries: readonly CheckEntry[], identities: readonly ProbedIdentity[]): CheckEntry[] {
  const rank = (entry: CheckEntry): number => identities.findIndex((identity) => identity.selector.name === entry.identity);
  return [...entries].sort((a, b) => rank(a) - rank(b));
}
