// The front for Azurite answers as Blob Storage does: bad tokens get the service's 401 naming the check that
// failed, a caller without the operation's permission in the role table gets the service's 403, a closed
// firewall refuses everyone, a replayed failure is sent byte for byte, and everything else reaches Azurite
// through the real SDK.
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { BlobServiceClient, RestError } from "@azure/storage-blob";
import { ManagedIdentityCredential } from "@azure/identity";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import { localSystemIdentity, localUnprivilegedIdentity } from "../../local/identity/localIdentities.js";
import { defaultRoleAssignments, localStorageAccountId } from "../../local/rbac/localResources.js";
import { roleByName } from "../../local/rbac/builtInRoles.js";
import { createRoleTable, type RoleTable } from "../../local/rbac/roleTable.js";
import type { StorageFront } from "../../local/storage/storageFront.js";
import {
  startTestAzurite,
  startTestIdentityEndpoint,
  startTestStorageFront,
  useIdentityEnvironment,
  type TestAzurite,
} from "../fixtures/localServices.js";
import { registerSecret } from "../fixtures/secretScan.js";

function fixed(token: string): TokenCredential {
  registerSecret(token);
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

async function refusal(promise: Promise<unknown>): Promise<RestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RestError)) throw new Error(`expected a RestError, got ${String(error)}`);
  return error;
}

describe("the storage front", () => {
  let identity: IdentityEndpoint;
  let azurite: TestAzurite;
  let front: StorageFront;
  let restore: () => void;
  let roles: RoleTable;
  /** The role table's clock: propagation is tested by moving it, not by waiting. */
  let now = Date.now();
  const propagationDelayMs = 60_000;

  beforeAll(async () => {
    identity = await startTestIdentityEndpoint();
    azurite = await startTestAzurite();
    roles = createRoleTable({ initial: defaultRoleAssignments(), propagationDelayMs, clock: () => now });
    front = await startTestStorageFront(identity, azurite, { roles });
    restore = useIdentityEnvironment(identity, "AppService");
  });
  afterAll(async () => {
    restore?.();
    await front?.close();
    await azurite?.close();
    await identity?.close();
  });

  const listOne = (credential: TokenCredential, container = "front") =>
    new BlobServiceClient(front.blobEndpoint, credential, { retryOptions: { maxTries: 1 } })
      .getContainerClient(container)
      .listBlobsFlat()
      .byPage({ maxPageSize: 1 })
      .next();

  it("forwards a good token's requests to Azurite", async () => {
    const container = new BlobServiceClient(front.blobEndpoint, new ManagedIdentityCredential()).getContainerClient("through-front");
    await container.createIfNotExists();
    await container.uploadBlockBlob("hello.txt", "hi", 2);
    const downloaded = await container.getBlobClient("hello.txt").downloadToBuffer();
    expect(downloaded.toString()).toBe("hi");
  });

  it.each([
    ["another audience", { resource: "https://webpubsub.azure.com" }, "Audience validation failed. Audience did not match."],
    [
      "an expired token",
      { resource: "https://storage.azure.com", lifetimeSeconds: -900 },
      "Lifetime validation failed. The token is expired.",
    ],
  ])("answers %s with 401 InvalidAuthenticationInfo and the service's detail", async (_case, mint, detail) => {
    const token = await identity.mintToken({ identity: localSystemIdentity, ...mint });
    const error = await refusal(listOne(fixed(token)));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("InvalidAuthenticationInfo");
    expect((error.details as { authenticationErrorDetail?: string }).authenticationErrorDetail).toBe(detail);
    expect(error.response?.headers.get("www-authenticate")).toBe(
      `Bearer authorization_uri=https://login.microsoftonline.com/${identity.tenantId}/oauth2/authorize resource_id=https://storage.azure.com`,
    );
  });

  it("answers a token from another tenant with the service's issuer detail", async () => {
    const token = await identity.mintToken({
      identity: localSystemIdentity,
      resource: "https://storage.azure.com",
      tenantOverride: "0ff7e4a2-0000-4000-8000-0000000000aa",
    });
    const error = await refusal(listOne(fixed(token)));
    expect(error.statusCode).toBe(401);
    expect((error.details as { authenticationErrorDetail?: string }).authenticationErrorDetail).toBe(
      "Issuer validation failed. Issuer did not match.",
    );
  });

  it("answers a token it cannot verify with 401 and no detail it is not known to send", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
    const error = await refusal(listOne(fixed(`${header}.e30.`)));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("InvalidAuthenticationInfo");
    expect((error.details as { authenticationErrorDetail?: string }).authenticationErrorDetail).toBeUndefined();
  });

  it("replays a Storage failure signature byte for byte, then clears it", async () => {
    front.setFault({ signature: "storage-network-rules", count: 1 });
    const response = await fetch(`${front.blobEndpoint}/front?restype=container`);
    expect(response.status).toBe(403);
    expect(response.statusText).toBe("This request is not authorized to perform this operation.");
    expect(response.headers.get("x-ms-error-code")).toBe("AuthorizationFailure");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 3).toString("hex")).toBe("efbbbf");
    // Cleared after one use: the next request is checked and forwarded again.
    const next = await fetch(`${front.blobEndpoint}/front?restype=container`);
    expect(next.status).toBe(401);
    expect(next.headers.get("x-ms-error-code")).toBe("NoAuthenticationInformation");
    await next.arrayBuffer();
  });

  describe("RBAC from the stack's role table", () => {
    const unprivileged = () => new ManagedIdentityCredential({ clientId: localUnprivilegedIdentity.clientId });
    const containerScope = (name: string) => `${localStorageAccountId}/blobServices/default/containers/${name}`;
    const grant = (roleName: string, scope: string) => {
      const role = roleByName(roleName);
      if (!role) throw new Error(roleName);
      return roles.assign({ scope, roleDefinitionId: role.id, principalId: localUnprivilegedIdentity.objectId });
    };

    beforeAll(async () => {
      const admin = new BlobServiceClient(front.blobEndpoint, new ManagedIdentityCredential());
      for (const name of ["rbac-a", "rbac-b"]) await admin.getContainerClient(name).createIfNotExists();
    });

    it("refuses an identity with no role with the service's 403 AuthorizationPermissionMismatch, fresh request ID and time", async () => {
      const error = await refusal(listOne(unprivileged(), "rbac-a"));
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("AuthorizationPermissionMismatch");
      expect(error.message).toMatch(
        /^This request is not authorized to perform this operation using this permission\.\nRequestId:[0-9a-f-]{36}\nTime:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/,
      );
      expect(error.message).not.toContain("4f5ba7a6-701e-0063-7d0c-4e2ebe000000");
    });

    it("lets a control-plane Reader read a container's properties but list no blob, as the service does", async () => {
      const assignment = grant("Reader", localStorageAccountId);
      now += propagationDelayMs;
      try {
        const container = new BlobServiceClient(front.blobEndpoint, unprivileged(), { retryOptions: { maxTries: 1 } }).getContainerClient(
          "rbac-a",
        );
        await expect(container.getProperties()).resolves.toBeDefined();
        expect((await refusal(listOne(unprivileged(), "rbac-a"))).code).toBe("AuthorizationPermissionMismatch");
      } finally {
        roles.remove(assignment.scope, assignment.name);
        now += propagationDelayMs;
      }
    });

    it("scopes a data role to its container, and a reader role to reading", async () => {
      const assignment = grant("Storage Blob Data Reader", containerScope("rbac-a"));
      now += propagationDelayMs;
      try {
        const service = new BlobServiceClient(front.blobEndpoint, unprivileged(), { retryOptions: { maxTries: 1 } });
        await expect(listOne(unprivileged(), "rbac-a")).resolves.toBeDefined();
        expect((await refusal(listOne(unprivileged(), "rbac-b"))).code).toBe("AuthorizationPermissionMismatch");
        const write = await refusal(service.getContainerClient("rbac-a").uploadBlockBlob("x.txt", "x", 1));
        expect(write.statusCode).toBe(403);
        expect(write.code).toBe("AuthorizationPermissionMismatch");
        expect(
          await service
            .getContainerClient("rbac-a")
            .getBlobClient("x.txt")
            .exists()
            .catch(() => "refused"),
        ).not.toBe(true);
      } finally {
        roles.remove(assignment.scope, assignment.name);
        now += propagationDelayMs;
      }
    });

    it("checks the container a request reaches: dot segments and a doubled slash cannot carry it to another", async () => {
      const assignment = grant("Storage Blob Data Reader", containerScope("rbac-a"));
      now += propagationDelayMs;
      try {
        const token = await identity.mintToken({ identity: localUnprivilegedIdentity, resource: "https://storage.azure.com" });
        registerSecret(token);
        const account = new URL(front.blobEndpoint);
        // Raw paths, sent as written: fetch and the SDK would normalise them first.
        const answerTo = (path: string) =>
          new Promise<{ status: number; body: string }>((resolve, reject) => {
            const sent = httpsRequest(
              {
                hostname: account.hostname,
                port: account.port,
                path,
                headers: { authorization: `Bearer ${token}`, "x-ms-version": "2025-01-05" },
                timeout: 10_000,
              },
              (answer) => {
                let body = "";
                answer.setEncoding("utf8");
                answer.on("data", (chunk: string) => (body += chunk));
                answer.on("end", () => resolve({ status: answer.statusCode ?? 0, body }));
              },
            );
            sent.on("timeout", () => sent.destroy(new Error(`${path}: no answer in 10 s`)));
            sent.on("error", reject);
            sent.end();
          });
        const list = "?restype=container&comp=list&maxresults=1";
        const listing = (container: string) => `ContainerName="${container}"`;
        expect((await answerTo(`${account.pathname}/rbac-a${list}`)).body).toContain(listing("rbac-a"));
        // Into the container the role does not cover: refused, however the path is written.
        for (const path of [
          `${account.pathname}/rbac-a/../rbac-b${list}`,
          `${account.pathname}/rbac-a/%2e%2e/rbac-b${list}`,
          `/${account.pathname}/rbac-b${list}`,
          `${account.pathname}//rbac-b${list}`,
        ]) {
          const answer = await answerTo(path);
          expect(answer.status, path).not.toBe(200);
          expect(answer.body, path).not.toContain(listing("rbac-b"));
        }
        // Out of it and back: the container checked is the container served.
        for (const path of [`${account.pathname}/rbac-b/../rbac-a${list}`, `${account.pathname}/rbac-b/%2e%2e/rbac-a${list}`]) {
          const answer = await answerTo(path);
          expect(answer.status, path).toBe(200);
          expect(answer.body, path).toContain(listing("rbac-a"));
        }
      } finally {
        roles.remove(assignment.scope, assignment.name);
        now += propagationDelayMs;
      }
    });

    it("honours a new assignment only after the propagation delay, and a removal likewise", async () => {
      const assignment = grant("Storage Blob Data Contributor", localStorageAccountId);
      expect((await refusal(listOne(unprivileged(), "rbac-a"))).code).toBe("AuthorizationPermissionMismatch");
      now += propagationDelayMs - 1_000;
      expect((await refusal(listOne(unprivileged(), "rbac-a"))).code).toBe("AuthorizationPermissionMismatch");
      now += 1_000;
      await expect(listOne(unprivileged(), "rbac-a")).resolves.toBeDefined();
      roles.remove(assignment.scope, assignment.name);
      await expect(listOne(unprivileged(), "rbac-a")).resolves.toBeDefined();
      now += propagationDelayMs;
      expect((await refusal(listOne(unprivileged(), "rbac-a"))).code).toBe("AuthorizationPermissionMismatch");
    });

    it("plays a closed firewall: 403 AuthorizationFailure for every caller, role or not, until opened", async () => {
      front.setFirewall("closed");
      try {
        const error = await refusal(listOne(new ManagedIdentityCredential(), "rbac-a"));
        expect(error.statusCode).toBe(403);
        expect(error.code).toBe("AuthorizationFailure");
        expect(error.message).toMatch(/^This request is not authorized to perform this operation\.\nRequestId:/);
      } finally {
        front.setFirewall("open");
      }
      await expect(listOne(new ManagedIdentityCredential(), "rbac-a")).resolves.toBeDefined();
    });
  });
});
