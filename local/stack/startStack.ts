// The local stack, programmatically: the local identity endpoint, Azurite behind its RBAC front, the Web
// PubSub and Quantum emulators and Azure Resource Manager — each unless the environment already names its
// endpoint — all enforcing one role-assignment table, and then the app, served by the dev host (or `func
// start`) with the stack's environment. Every child process is watched by the child reaper, so none
// outlives the stack; close() stops everything in reverse order.
import { readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startAzurite, azuriteAccountKey, azuriteAccountName, type Azurite } from "../azurite.js";
import { isPortFree, PortInUseError } from "../devHost/portInUseError.js";
import { startIdentityEndpoint, type IdentityEndpoint } from "../identity/identityEndpoint.js";
import { localResourceGroup, localSubscriptionId, localTenantId } from "../identity/localIdentities.js";
import { startArmEmulator } from "../arm/armEmulator.js";
import { defaultRoleAssignments, localQuantumWorkspaceName, quantumWorkspaceId } from "../rbac/localResources.js";
import { createRoleTable } from "../rbac/roleTable.js";
import { startStorageFront } from "../storage/storageFront.js";
import type { LocalCa } from "../localCa.js";
import { startQuantumEmulator } from "../quantum/quantumEmulator.js";
import { startWebPubSubEmulator } from "../webpubsub/webPubSubEmulator.js";
import { findFuncOnPath, startDevHostProcess, startFuncProcess, type AppProcess } from "./appProcess.js";
import { startChildReaper, type ChildReaper } from "./childReaper.js";
import { stackEnvironment } from "./stackEnvironment.js";
import type { StackSummary } from "./stackSummary.js";

export interface StackOptions {
  /** The project root: its package.json `main` is the built app. */
  readonly projectRoot: string;
  /** Where the CA, Azurite's data and stack.json live (`.local`). */
  readonly stateDir: string;
  readonly ca: LocalCa;
  /** The bundle NODE_EXTRA_CA_CERTS points at: the local CA plus any CA the environment already trusted. */
  readonly trustBundlePath: string;
  /** The app's port; 0 picks a free one. */
  readonly port: number;
  /** Azurite's blob port: 10000 (Azurite's usual) when free, else a free one. */
  readonly azuritePort: number;
  readonly functionKey: string;
  /** Serve the app with `func start` instead of the dev host (when Core Tools are on PATH). */
  readonly useFunc: boolean;
  /** The environment as given: endpoints set here are used as they are. */
  readonly env: NodeJS.ProcessEnv;
  /** Called once if a managed process (the app, Azurite) exits while the stack runs. */
  readonly onUnexpectedExit?: (what: string) => void;
  /** Lines for the developer (notes, fallbacks). */
  readonly print?: (line: string) => void;
}

export interface RunningStack {
  readonly summary: StackSummary;
  /** The app's environment (holds IDENTITY_HEADER: never print it). */
  readonly appEnvironment: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

const localIssuer = `https://sts.windows.net/${localTenantId}/`;
/** Where the local resource group is, for ResourceGroups_List. */
const localLocation = "westeurope";
/** Learn "Troubleshoot Azure RBAC": role changes "can take up to 10 minutes"; a local delay longer than an hour helps nobody. */
const maxPropagationSeconds = 3_600;

/** LOCAL_RBAC_PROPAGATION_S: how long data planes take to see a role change (default 0). */
export function parsePropagationSeconds(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 0;
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || seconds > maxPropagationSeconds)
    throw new RangeError(`LOCAL_RBAC_PROPAGATION_S must be a whole number of seconds from 0 to ${maxPropagationSeconds}, not "${value.slice(0, 32)}".`);
  return seconds;
}

/** The JWKS of an identity endpoint the environment names: the local identity endpoint publishes it on its origin. */
function jwksUrlOf(endpoint: string): string {
  return new URL("/.well-known/jwks.json", endpoint).href;
}

/** For `func start`: the Functions host (.NET) reads the OS trust store; SSL_CERT_FILE adds the local CA to it. */
async function writeFuncTrustBundle(stateDir: string, ca: LocalCa): Promise<string | undefined> {
  const systemBundle = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"].find((path) =>
    existsSync(path),
  );
  if (!systemBundle) return undefined;
  const path = join(stateDir, "func-trust-bundle.pem");
  await writeFile(path, `${await readFile(systemBundle, "utf8")}\n${ca.caPem}`, { mode: 0o644 });
  return path;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const env = options.env;
  const closers: (() => Promise<void>)[] = [];
  let isClosing = false;
  const unexpectedExit = (what: string): void => {
    if (!isClosing) options.onUnexpectedExit?.(what);
  };
  let reaper: ChildReaper | undefined;

  async function closeAll(): Promise<void> {
    isClosing = true;
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
    await reaper?.close();
  }

  try {
    if (!(await isPortFree(options.port, "127.0.0.1"))) throw new PortInUseError(options.port);
    reaper = startChildReaper();

    // Managed identity: the environment's endpoint, or the local one (App Service protocol for the app).
    let identityEndpoint: IdentityEndpoint | undefined;
    const givenIdentityEndpoint = env.IDENTITY_ENDPOINT ?? env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    if (!givenIdentityEndpoint) {
      const started = await startIdentityEndpoint({ host: "127.0.0.1" });
      identityEndpoint = started;
      closers.push(() => started.close());
    }
    const jwksUrl = identityEndpoint?.jwksUrl ?? jwksUrlOf(givenIdentityEndpoint ?? "http://127.0.0.1/");
    // One role-assignment table: ARM serves and changes it; every data plane enforces it after the delay.
    const propagationSeconds = parsePropagationSeconds(env.LOCAL_RBAC_PROPAGATION_S);
    const roles = createRoleTable({
      initial: defaultRoleAssignments({ quantumWorkspaceId: quantumWorkspaceId(localQuantumWorkspaceName) }),
      propagationDelayMs: propagationSeconds * 1_000,
    });

    // Azurite and Web PubSub do not depend on each other: start them together.
    const azuritePromise: Promise<Azurite | undefined> = env.AZURE_STORAGE_BLOB_ENDPOINT
      ? Promise.resolve(undefined)
      : (async () => {
          const certificate = await options.ca.issueServerCertificate("azurite");
          const port = (await isPortFree(options.azuritePort, "127.0.0.1")) ? options.azuritePort : 0;
          if (port !== options.azuritePort) print(`Port ${options.azuritePort} is taken: Azurite gets a free port instead.`);
          const azurite = await startAzurite({
            location: join(options.stateDir, "azurite"),
            certPath: certificate.certPath,
            keyPath: certificate.keyPath,
            port,
          });
          closers.push(() => azurite.close());
          reaper?.watch(azurite.process.pid);
          azurite.process.once("exit", () => unexpectedExit("Azurite exited"));
          return azurite;
        })();
    /** A local service with a certificate of its own, unless the environment already names its endpoint. */
    const startUnlessGiven = async <T extends { close(): Promise<void> }>(
      given: string | undefined,
      name: string,
      start: (certificate: { certPath: string; keyPath: string }) => Promise<T>,
    ): Promise<T | undefined> => {
      if (given) return undefined;
      const started = await start(await options.ca.issueServerCertificate(name));
      closers.push(() => started.close());
      return started;
    };
    const trust = { jwksUrl, issuer: localIssuer, roles };
    const webPubSubPromise = startUnlessGiven(env.AZURE_WEBPUBSUB_ENDPOINT, "webpubsub", (certificate) =>
      startWebPubSubEmulator({ ...certificate, ...trust }),
    );
    const armPromise = startUnlessGiven(env.AZURE_RESOURCE_MANAGER_ENDPOINT, "arm", (certificate) =>
      startArmEmulator({
        ...certificate,
        ...trust,
        subscriptionId: localSubscriptionId,
        tenantId: localTenantId,
        resourceGroups: [{ name: localResourceGroup, location: localLocation }],
      }),
    );
    const [azurite, webPubSub, arm] = await Promise.all([azuritePromise, webPubSubPromise, armPromise]);
    // The app reaches Azurite through the front, which checks tokens and roles as Blob Storage does; the
    // Quantum emulator's linked storage (account key, SAS) talks to Azurite itself.
    const storageFront = azurite
      ? await startUnlessGiven(undefined, "storage-front", (certificate) =>
          startStorageFront({ ...certificate, ...trust, upstream: azurite.blobEndpoint, tenantId: localTenantId }),
        )
      : undefined;
    const blobEndpoint = azurite?.blobEndpoint ?? env.AZURE_STORAGE_BLOB_ENDPOINT ?? "";
    const appBlobEndpoint = storageFront?.blobEndpoint ?? blobEndpoint;

    const quantum = await startUnlessGiven(env.AZURE_QUANTUM_ENDPOINT, "quantum", (certificate) =>
      startQuantumEmulator({
        ...certificate,
        ...trust,
        subscriptionId: localSubscriptionId,
        resourceGroup: localResourceGroup,
        workspaceName: localQuantumWorkspaceName,
        storage: { blobEndpoint, accountName: azuriteAccountName, accountKey: azuriteAccountKey },
      }),
    );

    const appEnvironment = stackEnvironment(env, {
      ...(identityEndpoint
        ? { identity: identityEndpoint.environment("AppService") as { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string } }
        : {}),
      blobEndpoint: appBlobEndpoint,
      ...(webPubSub ? { webPubSubEndpoint: webPubSub.endpoint } : {}),
      ...(arm ? { resourceManagerEndpoint: arm.endpoint } : {}),
      ...(quantum ? { quantum: { endpoint: quantum.endpoint, workspaceId: quantum.workspaceId } } : {}),
      trustBundlePath: options.trustBundlePath,
    });

    let app: AppProcess;
    const func = options.useFunc ? findFuncOnPath(env) : undefined;
    if (options.useFunc && !func) print("func (Azure Functions Core Tools) is not on PATH: serving the app with the dev host instead.");
    if (func) {
      // func needs a concrete port, and the Functions host's own storage (timer locks) on Azurite.
      const port = options.port !== 0 ? options.port : await freePort();
      const funcTrust = await writeFuncTrustBundle(options.stateDir, options.ca);
      app = await startFuncProcess({
        func,
        projectRoot: options.projectRoot,
        port,
        env: {
          ...appEnvironment,
          FUNCTIONS_WORKER_RUNTIME: "node",
          AzureWebJobsStorage:
            appEnvironment.AzureWebJobsStorage ??
            `DefaultEndpointsProtocol=https;AccountName=${azuriteAccountName};AccountKey=${azuriteAccountKey};BlobEndpoint=${blobEndpoint};`,
          ...(funcTrust ? { SSL_CERT_FILE: funcTrust } : {}),
        },
      });
      reaper.watch(app.process.pid, { isGroup: true });
    } else {
      app = await startDevHostProcess({
        projectRoot: options.projectRoot,
        port: options.port,
        env: { ...appEnvironment, LOCAL_FUNCTION_KEY: options.functionKey },
      });
      reaper.watch(app.process.pid);
    }
    const startedApp = app;
    closers.push(() => startedApp.stop());
    void app.exited.then(({ code, signal }) => unexpectedExit(`the app (${startedApp.kind}) exited (${code ?? signal})`));

    const summary: StackSummary = {
      startedAt: new Date().toISOString(),
      app: { host: app.kind, url: app.url, routePrefix: app.routePrefix, functionKey: options.functionKey, functions: app.functions },
      azurite: { blobEndpoint, isEmulated: azurite !== undefined, ...(storageFront ? { frontEndpoint: storageFront.blobEndpoint } : {}) },
      rbac: {
        propagationSeconds,
        ...(arm ? { resourceManagerEndpoint: arm.endpoint } : { resourceManagerEndpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? "" }),
        isEmulated: arm !== undefined,
      },
      identityEndpoint: identityEndpoint
        ? {
            isEmulated: true,
            endpoint: identityEndpoint.appServiceEndpoint,
            imdsAuthorityHost: identityEndpoint.imdsAuthorityHost,
            jwksUrl: identityEndpoint.jwksUrl,
            controlUrls: {
              fault: `${identityEndpoint.url}/__control/fault`,
              requests: `${identityEndpoint.url}/__control/requests`,
              imdsLimits: `${identityEndpoint.url}/__control/imds-limits`,
            },
          }
        : { isEmulated: false, endpoint: givenIdentityEndpoint ?? "", jwksUrl },
      ...(webPubSub || env.AZURE_WEBPUBSUB_ENDPOINT
        ? { webPubSub: { endpoint: webPubSub?.endpoint ?? env.AZURE_WEBPUBSUB_ENDPOINT ?? "", isEmulated: webPubSub !== undefined } }
        : {}),
      quantum: quantum
        ? { endpoint: quantum.endpoint, workspaceId: quantum.workspaceId, isEmulated: true }
        : {
            endpoint: env.AZURE_QUANTUM_ENDPOINT ?? "",
            ...(env.AZURE_QUANTUM_WORKSPACE_ID ? { workspaceId: env.AZURE_QUANTUM_WORKSPACE_ID } : {}),
            isEmulated: false,
          },
      caPath: options.ca.caPath,
      trustBundlePath: options.trustBundlePath,
      processes: { stack: process.pid, app: app.process.pid, azurite: azurite?.process.pid, reaper: reaper.pid },
    };
    return { summary, appEnvironment, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
