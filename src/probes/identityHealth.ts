// Builds the identity health report: for every identity, a token check per audience, an access check
// per configured resource and (for details and the timer) a raw identity-endpoint check — all at once,
// each under the deadline. Concurrent callers share one report in flight.
import type { TokenCredential } from "@azure/core-auth";
import type { AppConfig, ConfigProblem, IdentityEndpointSetting } from "../config.js";
import { audienceCatalog, type Audience } from "../identity/audienceCatalog.js";
import { callIdentityEndpoint, describeIdentityEndpoint } from "../identity/identityEndpointCheck.js";
import type { ProbedIdentity } from "../identity/sharedCredential.js";
import { createTokenProber, type TokenProbeResult, type TokenProber } from "../identity/tokenProbe.js";
import { classifyError, type ClassifiedError, type ErrorCategory } from "./classifyError.js";
import { overallStatus, type CheckEntry, type HealthReport, type ReportIdentity } from "./healthReport.js";
import { runCheck, type CheckRun } from "./probeEngine.js";
import { remediationFor, type RemediationContext } from "./remediation.js";
import { awaitWithSignal, createSharedInFlight } from "./sharedInFlight.js";

interface ResourceProbeBase {
  readonly component: "storage" | "webpubsub" | "quantum";
  readonly displayName: string;
  /** The least-privileged built-in role that allows what the app does (DESIGN §5). */
  readonly roleName: string;
  /** The setting that holds the resource's ARM ID, for exact remediation hints. */
  readonly scopeSetting: string;
}

export type ResourceProbe = ResourceProbeBase &
  (
    | {
        readonly state: "configured";
        readonly componentId: string;
        readonly endpoint: string;
        readonly scope: string | undefined;
        /** Proves authorization (not just a token); throws the SDK's error otherwise. */
        checkAccess(credential: TokenCredential, abortSignal: AbortSignal): Promise<void>;
      }
    | { readonly state: "unset"; readonly setting: string }
    | { readonly state: "misconfigured"; readonly problems: readonly ConfigProblem[] }
  );

export type ReportSettings = Pick<AppConfig, "releaseId" | "serviceId" | "identityEndpoint" | "timeoutMs" | "extraAudiences" | "problems">;

export interface IdentityHealthOptions {
  readonly settings: ReportSettings;
  readonly identities: readonly ProbedIdentity[];
  readonly resources: readonly ResourceProbe[];
  readonly tokenProber?: TokenProber;
  readonly identityEndpointCall?: typeof callIdentityEndpoint;
  readonly clock?: () => number;
}

export interface GetReportOptions {
  /** The raw identity-endpoint check: in details and the timer probe, not in the anonymous summary. */
  readonly includeIdentityEndpoint: boolean;
  readonly abortSignal?: AbortSignal;
}

export interface IdentityHealth {
  getReport(options: GetReportOptions): Promise<HealthReport>;
}

const expiryWarningMs = 5 * 60_000;
const propagationWindowMs = 30 * 60_000;
/** How long a failed token check may spend asking the identity endpoint what really happened. */
const diagnosisTimeoutMs = 1_000;

function failure(
  category: ClassifiedError["category"],
  classified: ClassifiedError | undefined,
): Pick<CheckEntry, "errorCategory" | "output"> {
  const output = classified
    ? [classified.status, classified.code].filter((part) => part !== undefined).join(" ") || classified.message
    : undefined;
  return { errorCategory: category, ...(output ? { output } : {}) };
}

export function createIdentityHealth(options: IdentityHealthOptions): IdentityHealth {
  const { settings, identities, resources } = options;
  const clock = options.clock ?? Date.now;
  const tokenProber = options.tokenProber ?? createTokenProber();
  const endpointCall = options.identityEndpointCall ?? callIdentityEndpoint;
  const audiences = audienceCatalog(settings.extraAudiences);
  const reportsInFlight = createSharedInFlight<HealthReport>();
  // When each identity first got a token in this process: a 403 soon after is likely role propagation.
  const firstSuccess = new Map<string, number>();
  const knownClaims = new Map<string, ReportIdentity>();

  async function buildReport(includeIdentityEndpoint: boolean): Promise<HealthReport> {
    const timeoutMs = settings.timeoutMs;
    const engine = { timeoutMs, clock };
    const startedAt = new Date(clock()).toISOString();

    type Pending = { key: string; build: () => CheckEntry };
    const pending: Promise<Pending>[] = [];

    for (const { selector, credential } of identities) {
      const identityName = selector.name;
      const remediationBase = { identityName, clientId: selector.clientId, timeoutMs } as const;
      const objectId = (): string | undefined => knownClaims.get(identityName)?.objectId;

      for (const audience of audiences) {
        pending.push(
          runCheck((signal) => probeToken(identityName, selector.clientId, credential, audience, signal), engine).then((run) => ({
            key: `${audience.component}:token`,
            build: () => tokenEntry(run, audience, identityName, remediationBase),
          })),
        );
      }

      for (const resource of resources) {
        const key = `${resource.component}:access`;
        if (resource.state !== "configured") {
          pending.push(Promise.resolve({ key, build: () => unconfiguredEntry(resource, identityName, startedAt) }));
          continue;
        }
        pending.push(
          runCheck((signal) => resource.checkAccess(credential, signal), engine).then((run) => ({
            key,
            build: () => accessEntry(run, resource, identityName, { ...remediationBase, objectId: objectId() }),
          })),
        );
      }

      if (includeIdentityEndpoint) {
        pending.push(
          runCheck(
            (signal) =>
              endpointCall(settings.identityEndpoint, {
                resource: "https://management.azure.com",
                clientId: selector.clientId,
                abortSignal: signal,
                timeoutMs,
              }),
            engine,
          ).then((run) => ({
            key: "identity:endpoint",
            build: () => endpointEntry(run, settings.identityEndpoint, identityName, remediationBase),
          })),
        );
      }
    }

    const finished = await Promise.all(pending);
    // Token results first: access remediation names the principal that the token told us about.
    const checks: Record<string, CheckEntry[]> = {};
    for (const { key, build } of finished.filter((item) => item.key.endsWith(":token"))) (checks[key] ??= []).push(build());
    for (const { key, build } of finished.filter((item) => !item.key.endsWith(":token"))) (checks[key] ??= []).push(build());

    const globalProblems = settings.problems.filter(
      (problem) => !resources.some((resource) => resource.state === "misconfigured" && resource.problems.includes(problem)),
    );
    if (globalProblems.length > 0) {
      checks["config:settings"] = globalProblems.map((problem) => ({
        componentId: problem.setting,
        componentType: "system",
        status: "fail",
        time: startedAt,
        errorCategory: "misconfigured",
        output: problem.message,
        remediation: remediationFor({
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

    return {
      status: overallStatus(checks),
      version: "1",
      releaseId: settings.releaseId,
      serviceId: settings.serviceId,
      time: startedAt,
      identity: {
        source: settings.identityEndpoint.kind,
        identities: identities.map(
          ({ selector }) =>
            knownClaims.get(selector.name) ?? { name: selector.name, ...(selector.clientId ? { clientId: selector.clientId } : {}) },
        ),
      },
      checks: orderChecks(checks),
    };
  }

  /**
   * Gets a token; when the SDK can only say "network_error" (MSAL says so for an unreachable endpoint
   * and for a malformed answer alike), asks the identity endpoint directly for the same audience and
   * identity, briefly, and reports what it really answered.
   */
  async function probeToken(
    identityName: string,
    clientId: string | undefined,
    credential: TokenCredential,
    audience: Audience,
    signal: AbortSignal,
  ) {
    try {
      return await tokenProber.probe(identityName, credential, audience, { abortSignal: signal, timeoutMs: settings.timeoutMs });
    } catch (error) {
      if (classifyError(error).category !== "identity-unavailable" || signal.aborted) throw error;
      const diagnosisSignal = AbortSignal.any([signal, AbortSignal.timeout(diagnosisTimeoutMs)]);
      const diagnosis = await endpointCall(settings.identityEndpoint, {
        resource: audience.resource,
        clientId,
        abortSignal: diagnosisSignal,
        timeoutMs: diagnosisTimeoutMs,
      }).then(
        () => undefined,
        (rawError: unknown) => rawError,
      );
      // No answer in time, or the endpoint now answers fine: the SDK's own error is the best evidence.
      if (diagnosis === undefined || diagnosisSignal.aborted) throw error;
      throw diagnosis;
    }
  }

  function passOrSlow(durationMs: number): Pick<CheckEntry, "status" | "note"> {
    return durationMs > settings.timeoutMs / 2
      ? { status: "warn", note: `slow: took more than half of the ${settings.timeoutMs} ms deadline` }
      : { status: "pass" };
  }

  function tokenEntry(
    run: CheckRun<TokenProbeResult>,
    audience: Audience,
    identityName: string,
    base: Omit<RemediationContext, "category" | "kind" | "objectId">,
  ): CheckEntry {
    const common = measured(run, audience.resource, "audience", identityName);
    if (run.kind === "success") {
      const now = clock();
      if (!firstSuccess.has(identityName)) firstSuccess.set(identityName, now);
      const claims = run.value.claims;
      if (claims && !knownClaims.has(identityName)) {
        knownClaims.set(identityName, {
          name: identityName,
          ...(base.clientId ? { clientId: base.clientId } : claims.appId ? { clientId: claims.appId } : {}),
          ...(claims.objectId ? { objectId: claims.objectId } : {}),
          ...(claims.tenantId ? { tenantId: claims.tenantId } : {}),
          ...(claims.identityResourceId ? { resourceId: claims.identityResourceId } : {}),
        });
      }
      // A token for another audience is useless to the resource (it answers 401): catch it here, by name.
      const audienceClaim = claims?.audience?.replace(/\/+$/, "");
      if (audienceClaim !== undefined && audienceClaim !== audience.resource.replace(/\/+$/, "")) {
        return {
          ...common,
          status: "fail",
          errorCategory: "audience-invalid",
          output: `token audience ${audienceClaim}`,
          tokenSource: run.value.tokenSource,
          ...optionalRemediation({
            ...base,
            category: "audience-invalid",
            kind: "token",
            objectId: claims?.objectId,
            audience: audience.resource,
          }),
        };
      }
      const notes: string[] = [];
      if (run.value.expiresOn.getTime() - now < expiryWarningMs) notes.push("the token expires within 5 minutes and was not refreshed");
      if (run.durationMs > settings.timeoutMs / 2) notes.push(`slow: took more than half of the ${settings.timeoutMs} ms deadline`);
      return {
        ...common,
        status: notes.length > 0 ? "warn" : "pass",
        tokenSource: run.value.tokenSource,
        expiresOn: run.value.expiresOn.toISOString(),
        ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
      };
    }
    return identityFailureEntry(common, run, { ...base, kind: "token", audience: audience.resource });
  }

  function accessEntry(
    run: CheckRun<void>,
    resource: Extract<ResourceProbe, { state: "configured" }>,
    identityName: string,
    base: Omit<RemediationContext, "category" | "kind">,
  ): CheckEntry {
    const common = measured(run, resource.componentId, "datastore", identityName);
    if (run.kind === "success") return { ...common, ...passOrSlow(run.durationMs) };
    const classified = run.timedOut ? undefined : classifyError(run.error);
    const category = classified?.category ?? "timeout";
    const objectId = base.objectId ?? knownClaims.get(identityName)?.objectId;
    const first = firstSuccess.get(identityName);
    const propagating = category === "forbidden" && first !== undefined && clock() - first < propagationWindowMs;
    return {
      ...common,
      status: propagating ? "warn" : "fail",
      ...failure(category, classified),
      ...(propagating
        ? { note: "forbidden within 30 minutes of this identity's first token: likely a role assignment still propagating" }
        : {}),
      ...optionalRemediation({
        ...base,
        objectId,
        category,
        kind: "access",
        resource: {
          displayName: resource.displayName,
          roleName: resource.roleName,
          scope: resource.scope,
          endpoint: resource.endpoint,
          scopeSetting: resource.scopeSetting,
        },
        ...(classified?.status ? { status: classified.status } : {}),
      }),
    };
  }

  function endpointEntry(
    run: CheckRun<{ status: number; expiresOn: Date | undefined }>,
    setting: IdentityEndpointSetting,
    identityName: string,
    base: Omit<RemediationContext, "category" | "kind" | "objectId">,
  ): CheckEntry {
    const common = measured(run, describeIdentityEndpoint(setting), "system", identityName);
    if (run.kind === "success") return { ...common, ...passOrSlow(run.durationMs) };
    return identityFailureEntry(common, run, { ...base, kind: "endpoint" });
  }

  return {
    getReport({ includeIdentityEndpoint, abortSignal }) {
      const shared = reportsInFlight.run(includeIdentityEndpoint ? "details" : "summary", () => buildReport(includeIdentityEndpoint));
      return awaitWithSignal(shared, abortSignal);
    },
  };
}

/**
 * A failed token or identity-endpoint check: no answer in time is `timeout`, and nothing listening where
 * the identity endpoint should be means there is no managed identity here.
 */
function classifyIdentityFailure(run: Extract<CheckRun<unknown>, { kind: "failure" }>): {
  classified: ClassifiedError | undefined;
  category: ErrorCategory;
} {
  const classified = run.timedOut ? undefined : classifyError(run.error);
  const category = classified === undefined ? "timeout" : classified.category === "network" ? "identity-unavailable" : classified.category;
  return { classified, category };
}

/** A failed token or identity-endpoint check, with its category, output and remediation. */
function identityFailureEntry(
  common: Pick<CheckEntry, "componentId" | "componentType" | "identity" | "observedValue" | "observedUnit" | "time">,
  run: Extract<CheckRun<unknown>, { kind: "failure" }>,
  context: Omit<RemediationContext, "category" | "objectId">,
): CheckEntry {
  const { classified, category } = classifyIdentityFailure(run);
  return {
    ...common,
    status: "fail",
    ...failure(category, classified),
    ...optionalRemediation({ ...context, category, objectId: undefined, ...(classified?.status ? { status: classified.status } : {}) }),
  };
}

/** The fields every entry has: what was checked, for whom, when and how long it took. */
function measured(
  run: CheckRun<unknown>,
  componentId: string,
  componentType: CheckEntry["componentType"],
  identity: string,
): Pick<CheckEntry, "componentId" | "componentType" | "identity" | "observedValue" | "observedUnit" | "time"> {
  return {
    componentId,
    componentType,
    identity,
    observedValue: Math.round(run.durationMs),
    observedUnit: "ms",
    time: new Date(run.startedAt).toISOString(),
  };
}

function optionalRemediation(context: RemediationContext): { remediation?: string } {
  const remediation = remediationFor(context);
  return remediation ? { remediation } : {};
}

function unconfiguredEntry(resource: Exclude<ResourceProbe, { state: "configured" }>, identityName: string, time: string): CheckEntry {
  if (resource.state === "unset") {
    return {
      componentId: resource.component,
      componentType: "datastore",
      identity: identityName,
      status: "skipped",
      time,
      output: `${resource.setting} is not set`,
    };
  }
  const settingsNamed = resource.problems.map((problem) => problem.setting).join(", ");
  return {
    componentId: resource.component,
    componentType: "datastore",
    identity: identityName,
    status: "fail",
    time,
    errorCategory: "misconfigured",
    output: resource.problems.map((problem) => problem.message).join("; "),
    remediation: `Correct the app setting${resource.problems.length > 1 ? "s" : ""} ${settingsNamed} (see the README's configuration table).`,
  };
}

const checkOrder = ["storage", "webpubsub", "quantum", "arm"];

function orderChecks(checks: Record<string, CheckEntry[]>): Record<string, CheckEntry[]> {
  const rank = (key: string): number => {
    if (key === "identity:endpoint") return 1000;
    if (key === "config:settings") return 1001;
    const index = checkOrder.indexOf(key.split(":")[0] ?? "");
    return (index === -1 ? 100 : index * 2) + (key.endsWith(":access") ? 1 : 0);
  };
  return Object.fromEntries(Object.entries(checks).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}
