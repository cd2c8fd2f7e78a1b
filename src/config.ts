// Every setting of the app, read and validated in one place (DESIGN §2). Nothing else reads process.env.
// A malformed value never stops the app: it becomes a ConfigProblem that the health report shows as
// `misconfigured` and that makes the affected functions answer 503, so the health endpoint can say what
// is wrong.
import { z } from "zod";
import { parseWorkspaceId, type QuantumWorkspaceId } from "./services/quantum/workspaceId.js";

export const defaultSchedule = "0 */5 * * * *";
export const defaultTimeoutMs = 5000;

export interface ConfigProblem {
  readonly setting: string;
  readonly message: string;
}

/** A resource's settings: configured, not configured (endpoint unset), or present but malformed. */
export type ResourceSetting<T> =
  | { readonly state: "configured"; readonly value: T }
  | { readonly state: "unset"; readonly setting: string }
  | { readonly state: "misconfigured"; readonly problems: readonly ConfigProblem[] };

/** One identity to probe. `clientId` undefined = the system-assigned identity. */
export interface IdentitySelector {
  /** A label safe for the anonymous summary: `system` or `user-assigned` / `user-assigned-N`. */
  readonly name: string;
  readonly clientId: string | undefined;
  /** Whether this is the identity the app itself uses (the shared DefaultAzureCredential). */
  readonly isAppIdentity: boolean;
}

export type IdentityEndpointSetting =
  { readonly kind: "AppService"; readonly url: string; readonly header: string } | { readonly kind: "IMDS"; readonly url: string };

export interface StorageSettings {
  readonly endpoint: string;
  readonly container: string;
  readonly historyContainer: string;
  readonly accountId: string | undefined;
}

export interface WebPubSubSettings {
  readonly endpoint: string;
  readonly hub: string;
  readonly resourceId: string | undefined;
}

export interface QuantumSettings {
  readonly endpoint: string;
  readonly workspace: QuantumWorkspaceId;
}

export interface AppConfig {
  readonly releaseId: string;
  readonly serviceId: string;
  readonly appClientId: string | undefined;
  readonly identities: readonly IdentitySelector[];
  readonly identityEndpoint: IdentityEndpointSetting;
  readonly extraAudiences: readonly string[];
  readonly schedule: string;
  readonly timeoutMs: number;
  readonly storage: ResourceSetting<StorageSettings>;
  readonly webPubSub: ResourceSetting<WebPubSubSettings>;
  readonly quantum: ResourceSetting<QuantumSettings>;
  /** Every malformed setting, including ones that fell back to a default. */
  readonly problems: readonly ConfigProblem[];
}

type Environment = Readonly<Record<string, string | undefined>>;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const armId = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i;

const httpsEndpoint = z
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

// Container names: 3–63 lowercase letters, digits and single hyphens, starting with a letter or digit.
const containerName = z
  .string()
  .trim()
  .regex(/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/, "must be 3-63 lowercase letters, digits and single hyphens");

// Web PubSub hub names (spec: ^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$).
const hubName = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/, "must start with a letter and use letters, digits and _`,.[] (at most 128)");

const audience = z
  .string()
  .trim()
  .refine((value) => {
    if (guid.test(value)) return true;
    try {
      return ["https:", "api:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "each audience must be an https:// or api:// URI or an application ID");

// NCRONTAB with seconds: six fields of digits, *, ranges, lists and steps (names like MON are allowed).
const schedule = z
  .string()
  .trim()
  .refine((value) => {
    const fields = value.split(/\s+/);
    return fields.length === 6 && fields.every((field) => /^[\w*/,-]+$/.test(field));
  }, "must be an NCRONTAB expression with 6 fields: {second} {minute} {hour} {day} {month} {day-of-week}");

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join("; ");
}

/** Reads the raw value; an empty string counts as unset, as App Service treats an empty app setting. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function loadConfig(env: Environment, releaseId = "0.0.0"): AppConfig {
  const problems: ConfigProblem[] = [];

  function parse<T>(name: string, schema: z.ZodType<T>, fallback: T): T;
  function parse<T>(name: string, schema: z.ZodType<T>): T | undefined;
  function parse<T>(name: string, schema: z.ZodType<T>, fallback?: T): T | undefined {
    const raw = read(env, name);
    if (raw === undefined) return fallback;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    problems.push({ setting: name, message: `${name} ${describe(result.error)}` });
    return fallback;
  }

  // Identities ------------------------------------------------------------------------------------
  const appClientIdRaw = read(env, "AZURE_CLIENT_ID");
  let appClientId: string | undefined;
  if (appClientIdRaw !== undefined) {
    if (guid.test(appClientIdRaw.trim())) appClientId = appClientIdRaw.trim().toLowerCase();
    else
      problems.push({ setting: "AZURE_CLIENT_ID", message: "AZURE_CLIENT_ID must be the client ID (a GUID) of a user-assigned identity" });
  }
  const identities: IdentitySelector[] = [{ name: appClientId ? "user-assigned" : "system", clientId: appClientId, isAppIdentity: true }];
  const extraRaw = read(env, "IDENTITY_PROBE_IDENTITIES");
  if (extraRaw !== undefined) {
    let userIndex = 1;
    for (const entry of extraRaw
      .split(",")
      .map((value) => value.trim())
      .filter(Boolean)) {
      const clientId = entry.toLowerCase() === "system" ? undefined : entry.toLowerCase();
      if (clientId !== undefined && !guid.test(clientId)) {
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
  }

  // The managed identity endpoint, as @azure/identity (MSAL) picks it.
  const identityEndpointUrl = read(env, "IDENTITY_ENDPOINT");
  const identityHeader = read(env, "IDENTITY_HEADER");
  const podAuthorityHost = read(env, "AZURE_POD_IDENTITY_AUTHORITY_HOST");
  const identityEndpoint: IdentityEndpointSetting =
    identityEndpointUrl && identityHeader
      ? { kind: "AppService", url: identityEndpointUrl, header: identityHeader }
      : { kind: "IMDS", url: `${(podAuthorityHost ?? "http://169.254.169.254").replace(/\/+$/, "")}/metadata/identity/oauth2/token` };

  const extraAudiences: string[] = [];
  const audiencesRaw = read(env, "IDENTITY_PROBE_AUDIENCES");
  if (audiencesRaw !== undefined) {
    for (const entry of audiencesRaw
      .split(",")
      .map((value) => value.trim())
      .filter(Boolean)) {
      const result = audience.safeParse(entry);
      if (result.success) extraAudiences.push(result.data.replace(/\/\.default$/, ""));
      else
        problems.push({
          setting: "IDENTITY_PROBE_AUDIENCES",
          message: `IDENTITY_PROBE_AUDIENCES: '${entry.slice(0, 100)}' ${describe(result.error)}`,
        });
    }
  }

  const scheduleValue = parse("IDENTITY_PROBE_SCHEDULE", schedule) ?? defaultSchedule;
  const timeoutMs = parse(
    "IDENTITY_PROBE_TIMEOUT_MS",
    z.coerce.number().int("must be a whole number of milliseconds").min(100).max(120_000),
    defaultTimeoutMs,
  );

  // Resources -------------------------------------------------------------------------------------
  function resource<T>(endpointSetting: string, build: () => T | undefined, relatedSettings: readonly string[]): ResourceSetting<T> {
    const before = problems.length;
    const value = build();
    const own = problems
      .slice(before)
      .filter((problem) => problem.setting === endpointSetting || relatedSettings.includes(problem.setting));
    if (own.length > 0) return { state: "misconfigured", problems: own };
    if (value === undefined) return { state: "unset", setting: endpointSetting };
    return { state: "configured", value };
  }

  const storage = resource<StorageSettings>(
    "AZURE_STORAGE_BLOB_ENDPOINT",
    () => {
      const endpoint = parse("AZURE_STORAGE_BLOB_ENDPOINT", httpsEndpoint);
      const container = parse("AZURE_STORAGE_CONTAINER", containerName, "identity-probe");
      const historyContainer = parse("PROBE_HISTORY_CONTAINER", containerName, "probe-history");
      const accountId = parse("AZURE_STORAGE_ACCOUNT_ID", z.string().trim().regex(armId, "must be an ARM resource ID"));
      return endpoint && container && historyContainer ? { endpoint, container, historyContainer, accountId } : undefined;
    },
    ["AZURE_STORAGE_CONTAINER", "PROBE_HISTORY_CONTAINER"],
  );

  const webPubSub = resource<WebPubSubSettings>(
    "AZURE_WEBPUBSUB_ENDPOINT",
    () => {
      const endpoint = parse("AZURE_WEBPUBSUB_ENDPOINT", httpsEndpoint);
      const hub = parse("AZURE_WEBPUBSUB_HUB", hubName, "identityprobe");
      const resourceId = parse("AZURE_WEBPUBSUB_ID", z.string().trim().regex(armId, "must be an ARM resource ID"));
      return endpoint && hub ? { endpoint, hub, resourceId } : undefined;
    },
    ["AZURE_WEBPUBSUB_HUB"],
  );

  const quantum = resource<QuantumSettings>(
    "AZURE_QUANTUM_ENDPOINT",
    () => {
      const endpoint = parse("AZURE_QUANTUM_ENDPOINT", httpsEndpoint);
      const workspaceRaw = read(env, "AZURE_QUANTUM_WORKSPACE_ID");
      if (endpoint === undefined && workspaceRaw === undefined) return undefined;
      if (workspaceRaw === undefined) {
        problems.push({
          setting: "AZURE_QUANTUM_WORKSPACE_ID",
          message: "AZURE_QUANTUM_WORKSPACE_ID must be set with AZURE_QUANTUM_ENDPOINT (the workspace's ARM resource ID)",
        });
        return undefined;
      }
      const workspace = parseWorkspaceId(workspaceRaw);
      if (!workspace.ok) {
        problems.push({ setting: "AZURE_QUANTUM_WORKSPACE_ID", message: `AZURE_QUANTUM_WORKSPACE_ID ${workspace.message}` });
        return undefined;
      }
      if (endpoint === undefined) {
        if (read(env, "AZURE_QUANTUM_ENDPOINT") === undefined) {
          problems.push({
            setting: "AZURE_QUANTUM_ENDPOINT",
            message: "AZURE_QUANTUM_ENDPOINT must be set with AZURE_QUANTUM_WORKSPACE_ID (e.g. https://westus.quantum.azure.com)",
          });
        }
        return undefined;
      }
      return { endpoint, workspace: workspace.value };
    },
    ["AZURE_QUANTUM_WORKSPACE_ID"],
  );

  return Object.freeze({
    releaseId,
    serviceId: read(env, "WEBSITE_SITE_NAME") ?? "local",
    appClientId,
    identities: Object.freeze(identities),
    identityEndpoint,
    extraAudiences: Object.freeze(extraAudiences),
    schedule: scheduleValue,
    timeoutMs,
    storage,
    webPubSub,
    quantum,
    problems: Object.freeze(problems),
  });
}

let processConfig: AppConfig | undefined;

/** The app's configuration, read from the process environment once. */
export function getConfig(): AppConfig {
  processConfig ??= loadConfig(process.env, releaseVersion);
  return processConfig;
}

/** The package version, inlined by the build (esbuild `define`); "0.0.0" when running from source. */
declare const __RELEASE_ID__: string | undefined;
const releaseVersion = typeof __RELEASE_ID__ === "string" ? __RELEASE_ID__ : "0.0.0";

/**
 * The timer's schedule binding: the app setting when it holds a valid expression, the default when it
 * is unset (the Functions host refuses to index a `%SETTING%` that does not exist), and undefined when
 * it is malformed — the timer is then not registered and the report says why.
 */
export function timerScheduleBinding(env: Environment = process.env): string | undefined {
  const raw = read(env, "IDENTITY_PROBE_SCHEDULE");
  if (raw === undefined) return defaultSchedule;
  return schedule.safeParse(raw).success ? "%IDENTITY_PROBE_SCHEDULE%" : undefined;
}
