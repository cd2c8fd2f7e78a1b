// Every setting of the app, read and validated in one place (DESIGN §2). Nothing else reads process.env.
// A malformed value never stops the app: it becomes a ConfigProblem that the health report shows as
// `misconfigured` and that makes the affected functions answer 503, so the health endpoint can say what
// is wrong. Each Azure resource declares its own settings (src/resources/); they are read here, through a
// SettingsReader, like every other setting.
import { z } from "zod";
import { isGuid } from "./shared/guid.js";
import { checkNcrontab } from "./shared/ncrontab.js";
import { defaultSchedule } from "./timerSchedule.js";

/** IDENTITY_PROBE_TIMEOUT_MS and the CLI's --timeout: one check's deadline. */
export const timeoutBounds = { min: 100, max: 120_000, default: 5_000 } as const;
/**
 * Politeness toward the identity endpoint (DESIGN §3.1). IMDS takes 20 requests per second and 5 at once per
 * machine for managed identity tokens (learn "Azure Instance Metadata Service", Rate limiting): the defaults.
 */
export const politenessBounds = {
  maxConcurrentTokenRequests: { min: 1, max: 100, default: 5 },
  maxTokenRequestsPerSecond: { min: 1, max: 1_000, default: 20 },
  failureMemorySeconds: { min: 0, max: 3_600, default: 30 },
  endpointCheckIntervalSeconds: { min: 0, max: 3_600, default: 60 },
} as const;

export interface Politeness {
  /** Requests to the identity endpoint out at once and started per second, for the whole process. */
  readonly limits: { readonly maxInFlight: number; readonly maxPerSecond: number };
  /** How long a failed token request is answered from memory when the endpoint sent no Retry-After. */
  readonly failureMemoryMs: number;
  /** The raw identity:endpoint check runs at most once per identity in this interval. */
  readonly endpointCheckIntervalMs: number;
}

/** Deadline of one call a function makes to a resource (an upload, a job submission). */
export const serviceCallTimeoutMs = 30_000;

export interface ConfigProblem {
  readonly setting: string;
  readonly message: string;
}

/**
 * Where a resource stands, from its settings to its service and its access check: configured (with a
 * value), not configured (its endpoint setting is unset), or configured wrongly.
 */
export type ResourceState<T> =
  | { readonly state: "configured"; readonly value: T }
  | { readonly state: "unset"; readonly setting: string }
  | { readonly state: "misconfigured"; readonly problems: readonly ConfigProblem[] };

export function mapResourceState<T, U>(state: ResourceState<T>, map: (value: T) => U): ResourceState<U> {
  return state.state === "configured" ? { state: "configured", value: map(state.value) } : state;
}

/** Why a resource cannot be used, in a sentence, and the settings to look at. */
export function describeUnavailable(state: Exclude<ResourceState<unknown>, { state: "configured" }>): {
  readonly reason: string;
  readonly settings: readonly string[];
} {
  return state.state === "unset"
    ? { reason: `${state.setting} is not set: this resource is not configured.`, settings: [state.setting] }
    : {
        reason: `Misconfigured: ${state.problems.map((problem) => problem.message).join("; ")}`,
        settings: state.problems.map((problem) => problem.setting),
      };
}

/** One identity to probe. `clientId` undefined = the system-assigned identity. */
export interface IdentitySelector {
  /** A label safe for the anonymous summary: `system` or `user-assigned` / `user-assigned-N`. */
  readonly name: string;
  readonly clientId: string | undefined;
  /** Whether this is the identity the app itself uses (the shared DefaultAzureCredential). */
  readonly isAppIdentity: boolean;
}

/**
 * The variables that decide where managed identity tokens come from: msal-node picks its source from them
 * (ServiceFabric → AppService → MachineLearning → CloudShell → AzureArc → DefaultToImds, identity-endpoints.md §4),
 * and @azure/identity uses token exchange (workload identity) when a federated token file, a client ID and a
 * tenant are set (§5). The header and secret are secrets: sent to the endpoint, never shown.
 */
export interface ManagedIdentityEnvironment {
  readonly identityEndpoint?: string;
  readonly identityHeader?: string;
  readonly identityServerThumbprint?: string;
  readonly imdsEndpoint?: string;
  readonly msiEndpoint?: string;
  readonly msiSecret?: string;
  readonly podIdentityAuthorityHost?: string;
  /** Azure ML: the compute's system-assigned identity, which every token request must name (clientid). */
  readonly defaultIdentityClientId?: string;
  readonly federatedTokenFile?: string;
  readonly tenantId?: string;
  /** AZURE_TOKEN_CREDENTIALS: which of DefaultAzureCredential's credentials to use. */
  readonly tokenCredentials?: string;
}

/** Reads settings for a resource definition: values parsed with a schema, problems recorded by setting name. */
export interface SettingsReader {
  /** The value as set; an empty value counts as unset, as App Service treats an empty app setting. */
  raw(name: string): string | undefined;
  parse<T>(name: string, schema: z.ZodType<T>): T | undefined;
  parse<T>(name: string, schema: z.ZodType<T>, fallback: T): T;
  /** A problem that no single value's schema can see (two settings that must be set together). */
  problem(setting: string, message: string): void;
  /** The ARM IDs every resource's scope setting holds, as set: where a subscription and resource group can be read from. */
  resourceIds(): readonly string[];
}

/** How a resource's settings are read: its definition in src/resources/ provides this. */
export interface ResourceSettingsSpec<S> {
  /** Unique among resources: the report's component name (`storage`). */
  readonly component: string;
  /** The setting whose absence means the resource is not configured. */
  readonly endpointSetting: string;
  /** Every setting of the resource: a problem with any of them makes it `misconfigured`. */
  readonly settingNames: readonly string[];
  /** The setting that holds the resource's ARM ID (its role assignments' scope). */
  readonly scopeSetting?: string;
  /** The resource's settings, or undefined when it is not configured; problems go to the reader. */
  readSettings(reader: SettingsReader): S | undefined;
}

export interface AppConfig {
  readonly releaseId: string;
  readonly serviceId: string;
  readonly appClientId: string | undefined;
  readonly identities: readonly IdentitySelector[];
  readonly managedIdentity: ManagedIdentityEnvironment;
  readonly extraAudiences: readonly string[];
  readonly schedule: string;
  readonly timeoutMs: number;
  readonly politeness: Politeness;
  /** Every malformed setting, including ones that fell back to a default. */
  readonly problems: readonly ConfigProblem[];
  /** Malformed settings that belong to no resource (reported as `config:settings`). */
  readonly generalProblems: readonly ConfigProblem[];
  /** A resource's settings, as the spec that read them typed them. */
  resourceSettings<S>(spec: ResourceSettingsSpec<S>): ResourceState<S>;
}

type Environment = Readonly<Record<string, string | undefined>>;

export const httpsEndpointSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `is not a URL: expected e.g. https://name.example.net` });
      return z.NEVER;
    }
    if (url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: "must use https" });
      return z.NEVER;
    }
    if (url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "must not carry a query, fragment or credentials" });
      return z.NEVER;
    }
    return url.href.replace(/\/+$/, "");
  });

/** `/subscriptions/…/resourceGroups/…/providers/<namespace>/<type>/<name>[/<type>/<name>]`. */
export const armResourceIdSchema = z
  .string()
  .trim()
  .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+(\/[^/]+\/[^/]+)*$/i, "must be an ARM resource ID");

/** An audience (token resource): an https:// or api:// URI or an application ID; a `/.default` scope names the same audience. */
export function parseAudience(value: string): string | undefined {
  const trimmed = value.trim();
  let isValid = isGuid(trimmed);
  if (!isValid) {
    try {
      isValid = ["https:", "api:"].includes(new URL(trimmed).protocol);
    } catch {
      isValid = false;
    }
  }
  return isValid ? trimmed.replace(/\/\.default$/, "") : undefined;
}

const scheduleSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const checked = checkNcrontab(value);
    if (!checked.ok) {
      ctx.addIssue({
        code: "custom",
        message: `must be an NCRONTAB expression with 6 fields: {second} {minute} {hour} {day} {month} {day-of-week} (${checked.reason})`,
      });
    }
  });

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join("; ");
}

/** Reads the raw value; an empty string counts as unset, as App Service treats an empty app setting. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

function listOf(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
}

export function loadConfig(env: Environment, releaseId = "0.0.0", resources: readonly ResourceSettingsSpec<unknown>[] = []): AppConfig {
  const problems: ConfigProblem[] = [];

  function parse<T>(name: string, schema: z.ZodType<T>): T | undefined;
  function parse<T>(name: string, schema: z.ZodType<T>, fallback: T): T;
  function parse<T>(name: string, schema: z.ZodType<T>, fallback?: T): T | undefined {
    const raw = read(env, name);
    if (raw === undefined) return fallback;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    problems.push({ setting: name, message: `${name} ${describe(result.error)}` });
    return fallback;
  }
  const reader: SettingsReader = {
    raw: (name) => read(env, name),
    parse,
    problem: (setting, message) => problems.push({ setting, message }),
    resourceIds: () =>
      resources.flatMap((spec) => {
        const value = spec.scopeSetting === undefined ? undefined : read(env, spec.scopeSetting)?.trim();
        return value === undefined ? [] : [value];
      }),
  };

  // Identities ------------------------------------------------------------------------------------
  const appClientIdRaw = read(env, "AZURE_CLIENT_ID")?.trim();
  let appClientId: string | undefined;
  if (appClientIdRaw !== undefined) {
    if (isGuid(appClientIdRaw)) appClientId = appClientIdRaw.toLowerCase();
    else
      problems.push({ setting: "AZURE_CLIENT_ID", message: "AZURE_CLIENT_ID must be the client ID (a GUID) of a user-assigned identity" });
  }
  const identities: IdentitySelector[] = [{ name: appClientId ? "user-assigned" : "system", clientId: appClientId, isAppIdentity: true }];
  let userIndex = 1;
  for (const entry of listOf(read(env, "IDENTITY_PROBE_IDENTITIES"))) {
    const clientId = entry.toLowerCase() === "system" ? undefined : entry.toLowerCase();
    if (clientId !== undefined && !isGuid(clientId)) {
      problems.push({
        setting: "IDENTITY_PROBE_IDENTITIES",
        message: `IDENTITY_PROBE_IDENTITIES entries must be 'system' or a client ID (GUID); '${entry.slice(0, 64)}' is neither`,
      });
      continue;
    }
    if (identities.some((identity) => identity.clientId === clientId)) continue;
    userIndex += clientId ? 1 : 0;
    identities.push({ name: clientId ? `user-assigned-${userIndex}` : "system", clientId, isAppIdentity: false });
  }

  // Where managed identity tokens come from (src/identity/managedIdentityHost.ts reads these with msal-node).
  const managedIdentityVariables = {
    identityEndpoint: "IDENTITY_ENDPOINT",
    identityHeader: "IDENTITY_HEADER",
    identityServerThumbprint: "IDENTITY_SERVER_THUMBPRINT",
    imdsEndpoint: "IMDS_ENDPOINT",
    msiEndpoint: "MSI_ENDPOINT",
    msiSecret: "MSI_SECRET",
    podIdentityAuthorityHost: "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    defaultIdentityClientId: "DEFAULT_IDENTITY_CLIENT_ID",
    federatedTokenFile: "AZURE_FEDERATED_TOKEN_FILE",
    tenantId: "AZURE_TENANT_ID",
    tokenCredentials: "AZURE_TOKEN_CREDENTIALS",
  } as const satisfies Record<keyof ManagedIdentityEnvironment, string>;
  const managedIdentity: ManagedIdentityEnvironment = Object.fromEntries(
    Object.entries(managedIdentityVariables).flatMap(([field, name]) => {
      const value = read(env, name)?.trim();
      return value === undefined ? [] : [[field, value]];
    }),
  );

  const extraAudiences: string[] = [];
  for (const entry of listOf(read(env, "IDENTITY_PROBE_AUDIENCES"))) {
    const audience = parseAudience(entry);
    if (audience !== undefined) extraAudiences.push(audience);
    else
      problems.push({
        setting: "IDENTITY_PROBE_AUDIENCES",
        message: `IDENTITY_PROBE_AUDIENCES: '${entry.slice(0, 100)}' is not an https:// or api:// URI or an application ID`,
      });
  }

  const schedule = parse("IDENTITY_PROBE_SCHEDULE", scheduleSchema, defaultSchedule);
  const timeoutMs = parse(
    "IDENTITY_PROBE_TIMEOUT_MS",
    z.coerce
      .number()
      .int("must be a whole number of milliseconds")
      .min(timeoutBounds.min, `must be at least ${timeoutBounds.min}`)
      .max(timeoutBounds.max, `must be at most ${timeoutBounds.max}`),
    timeoutBounds.default,
  );

  const wholeNumber = (name: string, bounds: { readonly min: number; readonly max: number; readonly default: number }): number =>
    parse(
      name,
      z.coerce
        .number()
        .int("must be a whole number")
        .min(bounds.min, `must be at least ${bounds.min}`)
        .max(bounds.max, `must be at most ${bounds.max}`),
      bounds.default,
    );
  const politeness: Politeness = {
    limits: {
      maxInFlight: wholeNumber("IDENTITY_PROBE_MAX_CONCURRENT_TOKEN_REQUESTS", politenessBounds.maxConcurrentTokenRequests),
      maxPerSecond: wholeNumber("IDENTITY_PROBE_MAX_TOKEN_REQUESTS_PER_SECOND", politenessBounds.maxTokenRequestsPerSecond),
    },
    failureMemoryMs: wholeNumber("IDENTITY_PROBE_FAILURE_MEMORY_SECONDS", politenessBounds.failureMemorySeconds) * 1000,
    endpointCheckIntervalMs:
      wholeNumber("IDENTITY_PROBE_ENDPOINT_CHECK_INTERVAL_SECONDS", politenessBounds.endpointCheckIntervalSeconds) * 1000,
  };

  // Resources -------------------------------------------------------------------------------------
  const resourceStates = new Map<ResourceSettingsSpec<unknown>, ResourceState<unknown>>();
  for (const spec of resources) {
    const before = problems.length;
    const value = spec.readSettings(reader);
    const own = problems.slice(before).filter((problem) => spec.settingNames.includes(problem.setting));
    resourceStates.set(
      spec,
      own.length > 0
        ? { state: "misconfigured", problems: own }
        : value === undefined
          ? { state: "unset", setting: spec.endpointSetting }
          : { state: "configured", value },
    );
  }
  const resourceSettingNames = new Set(resources.flatMap((spec) => spec.settingNames));

  return Object.freeze({
    releaseId,
    serviceId: read(env, "WEBSITE_SITE_NAME") ?? "local",
    appClientId,
    identities: Object.freeze(identities),
    managedIdentity: Object.freeze(managedIdentity),
    extraAudiences: Object.freeze(extraAudiences),
    schedule,
    timeoutMs,
    politeness: Object.freeze(politeness),
    problems: Object.freeze(problems),
    generalProblems: Object.freeze(problems.filter((problem) => !resourceSettingNames.has(problem.setting))),
    resourceSettings<S>(spec: ResourceSettingsSpec<S>): ResourceState<S> {
      const state = resourceStates.get(spec as ResourceSettingsSpec<unknown>);
      if (state === undefined) throw new Error(`The settings of '${spec.component}' were not read: pass its definition to loadConfig.`);
      // The map is keyed by the spec that read the value, so the value has that spec's type.
      return state as ResourceState<S>;
    },
  });
}

let processConfig: AppConfig | undefined;

/** The app's configuration, read from the process environment once, with the given resources' settings. */
export function getConfig(resources: readonly ResourceSettingsSpec<unknown>[]): AppConfig {
  processConfig ??= loadConfig(process.env, releaseVersion, resources);
  return processConfig;
}

/** The package version, inlined by the build (esbuild `define`); "0.0.0" when running from source. */
declare const __RELEASE_ID__: string | undefined;
export const releaseVersion = typeof __RELEASE_ID__ === "string" ? __RELEASE_ID__ : "0.0.0";
