// Hostile and malformed requests to every route of the Quantum emulator, sent raw over HTTPS: each is a 4xx —
// in the spec's ErrorResponse shape where the service's words are public, the status alone otherwise — and the
// emulator keeps serving afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  localResourceGroup,
  localSubscriptionId,
  localUnprivilegedIdentity,
  localUserIdentity,
} from "../../local/identity/localIdentities.js";
import {
  quantumAudience,
  quantumWorkspaceName,
  rawRequest,
  startQuantumStack,
  type QuantumStack,
  type RawResponse,
} from "../fixtures/quantumFixture.js";
import type { QuantumEmulator } from "../../local/quantum/quantumEmulator.js";
import type { QuantumRefusal } from "../../local/quantum/quantumServiceError.js";

const apiVersion = "2026-08-01-preview";
const workspacePath = `/subscriptions/${localSubscriptionId}/resourceGroups/${localResourceGroup}/providers/Microsoft.Quantum/workspaces/${quantumWorkspaceName}`;

interface ErrorBody {
  error: { code: string; message: string; target?: string; details?: { code: string; message: string; target?: string }[] };
}

let emulator: QuantumEmulator;

/**
 * The refusal's status is on the wire; its code and message are too only where they are the service's own
 * published words. Otherwise the body is empty and the emulator's reason is read from its refusal log.
 */
function expectError(response: RawResponse, status: number, code: string): QuantumRefusal {
  expect(response.status, response.text).toBe(status);
  const requestId = response.headers["x-ms-request-id"];
  expect(typeof requestId).toBe("string");
  const refusal = emulator.refusal(String(requestId));
  expect(refusal?.code).toBe(code);
  if (!refusal) throw new Error("no refusal recorded");
  if (refusal.isSent) {
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.headers["x-ms-error-code"]).toBe(code);
    const body = response.json() as ErrorBody;
    expect(body.error).toMatchObject({ code, message: refusal.message });
  } else {
    expect(response.text).toBe("");
    expect(response.headers["x-ms-error-code"]).toBeUndefined();
  }
  expect(refusal.message.length).toBeGreaterThan(0);
  return refusal;
}

describe("Quantum emulator under hostile input", () => {
  let stack: QuantumStack;
  let token: string;
  let blobBase: string;

  const call = (
    path: string,
    options: { method?: string; query?: string; body?: string | Buffer; headers?: Record<string, string>; bearer?: string | null } = {},
  ): Promise<RawResponse> => {
    const query = options.query ?? `api-version=${apiVersion}`;
    const bearer = options.bearer === undefined ? token : options.bearer;
    return rawRequest(`${stack.emulator.endpoint}${path}${query ? `?${query}` : ""}`, {
      method: options.method ?? "GET",
      headers: {
        ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
  };
  const putJob = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    call(`${workspacePath}/jobs/${id}`, { method: "PUT", body: typeof body === "string" ? body : JSON.stringify(body), headers });
  const validJob = (id: string, overrides: Record<string, unknown> = {}) => ({
    id,
    name: "hostile",
    itemType: "Job",
    providerId: "ionq",
    target: "ionq.simulator",
    containerUri: `${blobBase}/job-${id}`,
    inputDataFormat: "ionq.circuit.v1",
    outputDataFormat: "ionq.quantum-results.v1",
    inputParams: { shots: 10 },
    ...overrides,
  });

  beforeAll(async () => {
    stack = await startQuantumStack({ timing: { waitingMs: 10 * 60_000 } });
    emulator = stack.emulator;
    token = await stack.token();
    blobBase = stack.azurite.blobEndpoint;
  });
  afterAll(async () => {
    await stack?.close();
  });

  describe("api-version", () => {
    it("requires one", async () => {
      const error = expectError(await call(`${workspacePath}/jobs`, { query: "" }), 400, "MissingApiVersionParameter");
      expect(error.message).toContain("api-version");
    });
    it.each(["2026-01-15-preview", "2026-08-01-preview", "2027-03-01-preview", "2027-03-01"])(
      "serves %s (the SDK's version, the spec's, and later ones)",
      async (version) => {
        const response = await call(`${workspacePath}/jobs`, { query: `api-version=${version}&top=1` });
        expect(response.status, response.text).toBe(200);
      },
    );
    it.each(["2022-09-12-preview", "2025-12-01-preview", "2027-02-30-preview", "2027-03-01-beta", "latest", "x".repeat(500)])(
      "refuses %s",
      async (version) => {
        const error = expectError(
          await call(`${workspacePath}/jobs`, { query: `api-version=${encodeURIComponent(version)}` }),
          400,
          "UnsupportedApiVersion",
        );
        expect(error.message).toContain(apiVersion);
        expect(error.message.length).toBeLessThan(300);
      },
    );
    it("refuses two of them", async () => {
      expectError(
        await call(`${workspacePath}/jobs`, { query: `api-version=${apiVersion}&api-version=${apiVersion}` }),
        400,
        "UnsupportedApiVersion",
      );
    });
  });

  describe("authentication", () => {
    it("answers a request without a token with 401", async () => {
      expectError(await call(`${workspacePath}/jobs`, { bearer: null }), 401, "Unauthorized");
    });
    it.each([
      ["a malformed token", "not-a-jwt"],
      ["a token with a forged signature", "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJl"],
    ])("answers %s with 401", async (_case, bearer) => {
      expectError(await call(`${workspacePath}/jobs`, { bearer }), 401, "Unauthorized");
    });
    it("answers a storage-audience token with 401 naming the audience", async () => {
      const storageToken = await stack.token({ resource: "https://storage.azure.com" });
      const error = expectError(await call(`${workspacePath}/jobs`, { bearer: storageToken }), 401, "Unauthorized");
      expect(error.message).toContain(quantumAudience);
    });
    it("answers an expired token with 401", async () => {
      const expired = await stack.identityEndpoint.mintToken({ resource: quantumAudience, lifetimeSeconds: -600 });
      const error = expectError(await call(`${workspacePath}/jobs`, { bearer: expired }), 401, "Unauthorized");
      expect(error.message).toMatch(/expired/);
    });
    it("answers a Basic authorization header with 401", async () => {
      expectError(
        await call(`${workspacePath}/jobs`, { bearer: null, headers: { authorization: "Basic dXNlcjpwYXNz" } }),
        401,
        "Unauthorized",
      );
    });
  });

  describe("routing and workspace", () => {
    it.each([
      [
        "an unknown subscription",
        `/subscriptions/00000000-0000-4000-8000-000000000999/resourceGroups/${localResourceGroup}/providers/Microsoft.Quantum/workspaces/${quantumWorkspaceName}/jobs`,
      ],
      [
        "an unknown resource group",
        `/subscriptions/${localSubscriptionId}/resourceGroups/elsewhere/providers/Microsoft.Quantum/workspaces/${quantumWorkspaceName}/jobs`,
      ],
      [
        "an unknown workspace",
        `/subscriptions/${localSubscriptionId}/resourceGroups/${localResourceGroup}/providers/Microsoft.Quantum/workspaces/other/jobs`,
      ],
      [
        "a workspace name with an encoded slash",
        `/subscriptions/${localSubscriptionId}/resourceGroups/${localResourceGroup}/providers/Microsoft.Quantum/workspaces/${quantumWorkspaceName}%2Fother/jobs`,
      ],
    ])("answers %s with 404", async (_case, path) => {
      expectError(await call(path), 404, "WorkspaceNotFound");
    });
    it("matches ARM segment names case-insensitively", async () => {
      const response = await call(
        workspacePath.replace("resourceGroups", "resourcegroups").replace("Microsoft.Quantum", "microsoft.quantum") + "/jobs",
      );
      expect(response.status).toBe(200);
    });
    it.each([
      ["a path outside any workspace", "/"],
      ["an operation the emulator does not implement", `${workspacePath}/quotas`],
      ["a path with a trailing segment", `${workspacePath}/jobs/00000000-0000-4000-8000-000000000001/extra`],
    ])("answers %s with 404", async (_case, path) => {
      expectError(await call(path), 404, "NotFound");
    });
    it("answers a wrong method with 405 and Allow", async () => {
      const response = await call(`${workspacePath}/jobs`, { method: "DELETE" });
      expectError(response, 405, "MethodNotAllowed");
      expect(response.headers.allow).toBe("GET");
      const cancel = await call(`${workspacePath}/jobs/${crypto.randomUUID()}:cancel`);
      expectError(cancel, 405, "MethodNotAllowed");
      expect(cancel.headers.allow).toBe("POST");
    });
    it("answers a malformed percent-encoding with 400", async () => {
      expectError(await call(`${workspacePath}/jobs/%E0%A4%A`), 400, "InvalidUri");
    });
  });

  describe("job IDs", () => {
    it.each([
      "not-a-uuid",
      "..%2F..%2Fjobs",
      "00000000-0000-4000-8000-00000000000g",
      `${"a".repeat(400)}`,
      "00000000-0000-4000-8000-000000000001%00",
      "%20",
    ])("refuses %s with 400", async (id) => {
      const error = expectError(await call(`${workspacePath}/jobs/${id}`), 400, "InvalidJobId");
      expect(error.target).toBe("jobId");
      expectError(await putJob(id, validJob("00000000-0000-4000-8000-000000000001")), 400, "InvalidJobId");
      expectError(await call(`${workspacePath}/jobs/${id}:cancel`, { method: "POST" }), 400, "InvalidJobId");
    });
    it("answers an unknown job with 404 on get, cancel and delete", async () => {
      const id = crypto.randomUUID();
      expectError(await call(`${workspacePath}/jobs/${id}`), 404, "JobNotFound");
      expectError(await call(`${workspacePath}/jobs/${id}:cancel`, { method: "POST" }), 404, "JobNotFound");
      expectError(await call(`${workspacePath}/jobs/${id}`, { method: "DELETE" }), 404, "JobNotFound");
    });
  });

  describe("Jobs_Create bodies", () => {
    it("creates a valid job with 201 and answers its ID again with 200 and the same job", async () => {
      const id = crypto.randomUUID();
      const created = await putJob(id, validJob(id));
      expect(created.status, created.text).toBe(201);
      expect(created.json()).toMatchObject({ id, status: "Waiting", itemType: "Job", createdByType: "ManagedIdentity", errorData: null });
      const again = await putJob(id, validJob(id, { name: "other" }));
      expect(again.status).toBe(200);
      expect(again.json()).toMatchObject({ id, name: "hostile" });
      const deleted = await call(`${workspacePath}/jobs/${id}`, { method: "DELETE" });
      expect(deleted.status).toBe(204);
      expectError(await call(`${workspacePath}/jobs/${id}`), 404, "JobNotFound");
    });
    it.each([
      ["malformed JSON", '{"name": "x",', "InvalidRequestContent"],
      ["a JSON string", '"job"', "InvalidJobDefinition"],
      ["a JSON array", "[]", "InvalidJobDefinition"],
      ["null", "null", "InvalidJobDefinition"],
      ["an empty object", "{}", "InvalidJobDefinition"],
    ])("refuses %s with 400", async (_case, body, code) => {
      expectError(await putJob(crypto.randomUUID(), body), 400, code);
    });
    it("lists every missing required field in details", async () => {
      const error = expectError(await putJob(crypto.randomUUID(), {}), 400, "InvalidJobDefinition");
      const targets = (error.details ?? []).map((detail) => detail.target);
      expect(targets).toEqual(expect.arrayContaining(["name", "itemType", "providerId", "target", "containerUri", "inputDataFormat"]));
    });
    it.each([
      ["wrong types", { name: 42, tags: "x", inputParams: [] }, ["name", "tags", "inputParams"]],
      ["an ID that is not the path's", { id: "00000000-0000-4000-8000-000000000001" }, ["id"]],
      [
        "a format the provider does not take",
        { inputDataFormat: "qir.v1", outputDataFormat: "microsoft.quantum-results.v1" },
        ["inputDataFormat", "outputDataFormat"],
      ],
      ["a container outside the linked storage", { containerUri: "https://evil.example/devstoreaccount1/job-x?sig=abc" }, ["containerUri"]],
      ["a container URI that is a blob", { containerUri: "BLOB/job-x/inputData" }, ["containerUri"]],
      [
        "input and output outside the linked storage",
        { inputDataUri: "file:///etc/passwd", outputDataUri: "https://127.0.0.1:1/x/y" },
        ["inputDataUri", "outputDataUri"],
      ],
      ["an itemType other than Job", { itemType: "Session" }, ["itemType"]],
      ["a session", { sessionId: "s-1" }, ["sessionId"]],
      ["too many tags", { tags: Array.from({ length: 51 }, (_, index) => `t${index}`) }, ["tags"]],
      ["a name of 2000 characters", { name: "n".repeat(2000) }, ["name"]],
    ])("refuses %s with 400 naming the field", async (_case, overrides, fields) => {
      const id = crypto.randomUUID();
      const body = JSON.parse(JSON.stringify(validJob(id, overrides)).replace('"BLOB/', `"${blobBase}/`)) as unknown;
      const error = expectError(await putJob(id, body), 400, "InvalidJobDefinition");
      expect((error.details ?? []).map((detail) => detail.target)).toEqual(expect.arrayContaining(fields));
      expectError(await call(`${workspacePath}/jobs/${id}`), 404, "JobNotFound");
    });
    it.each([
      ["target", { target: "ionq.qpu.forte-9" }],
      ["provider", { providerId: "quantinuum" }],
    ])("refuses a %s the workspace does not offer in the service's published words", async (what, overrides) => {
      const id = crypto.randomUUID();
      const response = await putJob(id, validJob(id, overrides));
      const error = expectError(response, 400, "InvalidJobDefinition");
      expect(error.isSent).toBe(true);
      expect(error.message).toBe(`The ${what} specified does not exist or is not enabled for the workspace.`);
      expectError(await call(`${workspacePath}/jobs/${id}`), 404, "JobNotFound");
    });
    it("refuses a body over 256 KiB with 413", async () => {
      const id = crypto.randomUUID();
      const body = JSON.stringify(validJob(id, { metadata: { padding: "x".repeat(300 * 1024) } }));
      expectError(await putJob(id, body), 413, "RequestBodyTooLarge");
    });
    it("refuses a declared 100 MB body with 413 without reading it", async () => {
      const id = crypto.randomUUID();
      const response = await rawRequest(`${stack.emulator.endpoint}${workspacePath}/jobs/${id}?api-version=${apiVersion}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": String(100 * 1024 * 1024) },
        body: "{}",
        timeoutMs: 5_000,
      }).catch((error: unknown) => error);
      // Node may answer before the body arrives and then close: either a 413 or a reset, never a hang or a 5xx.
      if (!(response instanceof Error)) expectError(response as RawResponse, 413, "RequestBodyTooLarge");
    });
    it("refuses a body that is not JSON by media type with 415", async () => {
      const id = crypto.randomUUID();
      expectError(await putJob(id, JSON.stringify(validJob(id)), { "content-type": "text/plain" }), 415, "UnsupportedMediaType");
    });
  });

  describe("Storage_GetSasUri", () => {
    const sas = (body: string) => call(`${workspacePath}/storage/sasUri`, { method: "POST", body });
    it("issues a container SAS on the linked storage and creates the container", async () => {
      const response = await sas(JSON.stringify({ containerName: "job-hostile-ok" }));
      expect(response.status).toBe(200);
      const { sasUri } = response.json() as { sasUri: string };
      const url = new URL(sasUri);
      expect(`${url.origin}${url.pathname}`).toBe(`${blobBase}/job-hostile-ok`);
      expect(url.searchParams.get("sr")).toBe("c");
      expect(url.searchParams.get("sp")).toBe("rcw");
      expect(url.searchParams.get("sig")).toBeTruthy();
    });
    it.each([
      ["malformed JSON", "{", 400, "InvalidRequestContent"],
      ["no containerName", "{}", 400, "InvalidBlobDetails"],
      ["a containerName that is a number", '{"containerName": 5}', 400, "InvalidBlobDetails"],
      ["an upper-case container", '{"containerName": "Job-X"}', 400, "InvalidBlobDetails"],
      ["a traversal container", '{"containerName": "../etc"}', 400, "InvalidBlobDetails"],
      ["a too-short container", '{"containerName": "ab"}', 400, "InvalidBlobDetails"],
      ["a double hyphen", '{"containerName": "job--x"}', 400, "InvalidBlobDetails"],
      ["a control character in the blob name", '{"containerName": "job-x", "blobName": "a\\u0000b"}', 400, "InvalidBlobDetails"],
      ["an array", "[]", 400, "InvalidBlobDetails"],
    ])("refuses %s", async (_case, body, status, code) => {
      expectError(await sas(body), status, code);
    });
    it("refuses a 1 MiB body with 413", async () => {
      expectError(await sas(JSON.stringify({ containerName: "job-x", blobName: "b".repeat(1024 * 1024) })), 413, "RequestBodyTooLarge");
    });
    it("needs write permission: a Reader gets 403", async () => {
      stack.emulator.setRoleAssignments(localUnprivilegedIdentity.objectId, ["Reader"]);
      const reader = await stack.token({ identity: localUnprivilegedIdentity });
      const response = await call(`${workspacePath}/storage/sasUri`, {
        method: "POST",
        body: '{"containerName": "job-reader"}',
        bearer: reader,
      });
      const error = expectError(response, 403, "InsufficientPermissions");
      expect(error).toMatchObject({ isSent: true, message: "There are not enough permissions to perform this operation." });
      expect((await call(`${workspacePath}/jobs`, { bearer: reader })).status).toBe(200);
      stack.emulator.setRoleAssignments(localUnprivilegedIdentity.objectId, []);
      expectError(await call(`${workspacePath}/jobs`, { bearer: reader }), 403, "InsufficientPermissions");
    });
  });

  describe("Jobs_List query", () => {
    it.each([
      ["top=0", "top"],
      ["top=-1", "top"],
      ["top=abc", "top"],
      ["top=1.5", "top"],
      ["top=99999999999", "top"],
      ["top=1001", "top"],
      ["skip=-1", "skip"],
      ["skip=x", "skip"],
      ["filter=Name%20eq", "filter"],
      ["filter=Bogus%20eq%20'x'", "filter"],
      ["filter=Name%20eq%20'unterminated", "filter"],
      ["filter=startswith(Name", "filter"],
      ["filter=(((Name%20eq%20'x'", "filter"],
      ["filter=Name%20eq%20'x'%20garbage", "filter"],
      ["filter=CreationTime%20ge%20'not-a-date'", "filter"],
      ["filter=Name%20eq%20'x'%3B%20DROP", "filter"],
      [`filter=${"(".repeat(100)}Name%20eq%20'x'${")".repeat(100)}`, "filter"],
      [`filter=${"x".repeat(3000)}`, "filter"],
      ["orderby=Bogus%20asc", "orderby"],
      ["orderby=Name%20sideways", "orderby"],
    ])("refuses %s with 400 naming the parameter", async (query, parameter) => {
      const error = expectError(
        await call(`${workspacePath}/jobs`, { query: `api-version=${apiVersion}&${query}` }),
        400,
        "InvalidQueryParameter",
      );
      expect(error.target).toBe(parameter);
    });
    it("filters and orders as the SDK writes them, and pages with nextLink", async () => {
      const ids: string[] = [];
      for (const name of ["alpha-1", "alpha-2", "beta-1"]) {
        const id = crypto.randomUUID();
        expect((await putJob(id, validJob(id, { name }))).status).toBe(201);
        ids.push(id);
      }
      const filter = encodeURIComponent(
        "startswith(Name, 'alpha') and (Target eq 'ionq.simulator' or Target eq 'ionq.qpu.aria-1') and State eq 'Waiting'",
      );
      const first = await call(`${workspacePath}/jobs`, { query: `api-version=${apiVersion}&filter=${filter}&orderby=Name%20desc&top=1` });
      expect(first.status, first.text).toBe(200);
      const page = first.json() as { value: { name: string }[]; nextLink: string | null };
      expect(page.value.map((job) => job.name)).toEqual(["alpha-2"]);
      expect(page.nextLink).toContain(`${stack.emulator.endpoint}${workspacePath}/jobs?`);
      const second = await rawRequest(page.nextLink ?? "", { headers: { authorization: `Bearer ${token}` } });
      const secondPage = second.json() as { value: { name: string }[]; nextLink: string | null };
      expect(secondPage.value.map((job) => job.name)).toEqual(["alpha-1"]);
      expect(secondPage.nextLink).toBeNull();
      const since = await call(`${workspacePath}/jobs`, {
        query: `api-version=${apiVersion}&filter=${encodeURIComponent("CreationTime ge 2000-01-01 and not (Name eq 'beta-1')")}`,
      });
      expect((since.json() as { value: { name: string }[] }).value.map((job) => job.name).sort()).toEqual(["alpha-1", "alpha-2"]);
      for (const id of ids) expect((await call(`${workspacePath}/jobs/${id}`, { method: "DELETE" })).status).toBe(204);
    });
  });

  describe("Jobs_Cancel", () => {
    it("cancels a waiting job with 204 and no body as production does, repeats idempotently, and ignores a body", async () => {
      const id = crypto.randomUUID();
      expect((await putJob(id, validJob(id))).status).toBe(201);
      const cancelled = await call(`${workspacePath}/jobs/${id}:cancel`, { method: "POST", body: '{"ignored": true}' });
      expect(cancelled.status).toBe(204);
      expect(cancelled.text).toBe("");
      expect((await call(`${workspacePath}/jobs/${id}`)).json()).toMatchObject({ id, status: "Cancelled" });
      const again = await call(`${workspacePath}/jobs/${id}:cancel`, { method: "POST" });
      expect(again.status).toBe(204);
      expect((await call(`${workspacePath}/jobs/${id}`)).json()).toMatchObject({ status: "Cancelled" });
    });
    it("refuses a 1 MiB cancel body with 413", async () => {
      const id = crypto.randomUUID();
      expect((await putJob(id, validJob(id))).status).toBe(201);
      expectError(
        await call(`${workspacePath}/jobs/${id}:cancel`, { method: "POST", body: "x".repeat(1024 * 1024) }),
        413,
        "RequestBodyTooLarge",
      );
    });
  });

  it("answers Providers_List with the spec's shape", async () => {
    const response = await call(`${workspacePath}/providerStatus`);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      value: [
        {
          id: "ionq",
          currentAvailability: "Available",
          targets: expect.arrayContaining([expect.objectContaining({ id: "ionq.simulator", numQubits: 20 })]),
        },
      ],
      nextLink: null,
    });
  });

  it("keeps serving after all of the above, for another privileged identity too", async () => {
    const user = await stack.token({ identity: localUserIdentity });
    const response = await call(`${workspacePath}/jobs`, { bearer: user, query: `api-version=${apiVersion}&top=1` });
    expect(response.status).toBe(200);
    expect(response.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
