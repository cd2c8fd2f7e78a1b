// Hostile and malformed requests to every route of the local ARM emulator, sent raw over HTTPS: each is a 4xx —
// ARM's `{ error: { code, message } }` where ARM's words are public, the status alone otherwise — no token ever
// comes back, and the emulator keeps serving afterwards.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdentityEndpoint } from "../../local/identity/identityEndpoint.js";
import {
  localOperatorIdentity,
  localResourceGroup,
  localSubscriptionId,
  localSystemIdentity,
  localUnprivilegedIdentity,
  type LocalIdentity,
} from "../../local/identity/localIdentities.js";
import type { ArmRefusal } from "../../local/arm/armError.js";
import { authorizationApiVersions, resourceGroupsApiVersions } from "../../local/arm/armApiVersions.js";
import { roleByName } from "../../local/rbac/builtInRoles.js";
import { localResourceGroupScope, localSubscriptionScope } from "../../local/rbac/localResources.js";
import { rawRequest, type RawResponse } from "../fixtures/quantumFixture.js";
import { startTestArmEmulator, startTestIdentityEndpoint, type TestArmEmulator } from "../fixtures/localServices.js";
import { jwtPattern, registerSecret } from "../fixtures/secretScan.js";

const authorizationVersion = "2022-04-01";
const resourcesVersion = "2025-04-01";
const authorization = `${localResourceGroupScope}/providers/Microsoft.Authorization`;
const ownerId = roleByName("Owner")?.id ?? "";
const readerId = roleByName("Reader")?.id ?? "";
/** A principal no test depends on: the baseline create gives it Reader without changing anyone's access. */
const strangerId = randomUUID();

interface ArmRoute {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string;
  readonly supported: readonly string[];
  readonly body?: string;
}

/** One request per emulated operation, each valid for the operator apart from what a test changes. */
const routes: readonly ArmRoute[] = [
  { label: "ResourceGroups_List", method: "GET", path: `${localSubscriptionScope}/resourcegroups`, apiVersion: resourcesVersion, supported: resourceGroupsApiVersions },
  { label: "Permissions_List", method: "GET", path: `${authorization}/permissions`, apiVersion: authorizationVersion, supported: authorizationApiVersions },
  { label: "RoleAssignments_ListForScope", method: "GET", path: `${authorization}/roleAssignments`, apiVersion: authorizationVersion, supported: authorizationApiVersions },
  { label: "RoleAssignments_Get", method: "GET", path: `${authorization}/roleAssignments/${randomUUID()}`, apiVersion: authorizationVersion, supported: authorizationApiVersions },
  {
    label: "RoleAssignments_Create",
    method: "PUT",
    path: `${authorization}/roleAssignments/${randomUUID()}`,
    apiVersion: authorizationVersion,
    supported: authorizationApiVersions,
    body: JSON.stringify({
      properties: {
        roleDefinitionId: `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${readerId}`,
        principalId: strangerId,
        principalType: "ServicePrincipal",
      },
    }),
  },
  { label: "RoleAssignments_Delete", method: "DELETE", path: `${authorization}/roleAssignments/${randomUUID()}`, apiVersion: authorizationVersion, supported: authorizationApiVersions },
  { label: "RoleDefinitions_List", method: "GET", path: `${authorization}/roleDefinitions`, apiVersion: authorizationVersion, supported: authorizationApiVersions },
  { label: "RoleDefinitions_Get", method: "GET", path: `${authorization}/roleDefinitions/${ownerId}`, apiVersion: authorizationVersion, supported: authorizationApiVersions },
];

let arm: TestArmEmulator;

/**
 * The status is always on the wire; the code and message are too only where they are ARM's published words, and
 * then exactly as the refusal log has them. Otherwise the body is empty. No refusal holds anything token-shaped.
 */
function expectError(response: RawResponse, status: number, code: string, message?: string): ArmRefusal {
  expect(response.status, response.text).toBe(status);
  const requestId = response.headers["x-ms-request-id"];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers["cache-control"]).toBe("no-cache");
  const refusal = arm.refusal(String(requestId));
  if (!refusal) throw new Error("no refusal recorded");
  expect(refusal.code).toBe(code);
  expect(refusal.message).not.toMatch(jwtPattern);
  if (refusal.isSent) {
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.json()).toEqual({ error: { code, message: refusal.message } });
    if (message !== undefined) expect(refusal.message).toBe(message);
  } else {
    expect(message, "a status-only refusal has no message on the wire").toBeUndefined();
    expect(response.text).toBe("");
  }
  return refusal;
}

describe("the local ARM emulator under hostile input", () => {
  let identityEndpoint: IdentityEndpoint;
  let operatorToken: string;

  const mint = async (options: Parameters<IdentityEndpoint["mintToken"]>[0]): Promise<string> => {
    const token = await identityEndpoint.mintToken(options);
    registerSecret(token);
    return token;
  };
  const tokenOf = (identity: LocalIdentity) => mint({ resource: "https://management.azure.com", identity });

  const call = (
    method: string,
    path: string,
    options: { query?: string; body?: string | Buffer; headers?: Record<string, string>; bearer?: string | null; timeoutMs?: number } = {},
  ): Promise<RawResponse> => {
    const bearer = options.bearer === undefined ? operatorToken : options.bearer;
    return rawRequest(`${arm.endpoint}${path}${options.query === undefined ? "" : `?${options.query}`}`, {
      method,
      headers: {
        ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  };
  const send = (route: ArmRoute, options: Parameters<typeof call>[2] = {}) =>
    call(route.method, route.path, { query: `api-version=${route.apiVersion}`, ...(route.body !== undefined ? { body: route.body } : {}), ...options });
  const putAssignment = (name: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    call("PUT", `${authorization}/roleAssignments/${name}`, { query: `api-version=${authorizationVersion}`, body, headers });
  const assignmentBody = (properties: Record<string, unknown>) =>
    JSON.stringify({
      properties: {
        roleDefinitionId: `${localSubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${readerId}`,
        principalId: localUnprivilegedIdentity.objectId,
        ...properties,
      },
    });

  beforeAll(async () => {
    identityEndpoint = await startTestIdentityEndpoint();
    arm = await startTestArmEmulator(identityEndpoint);
    operatorToken = await tokenOf(localOperatorIdentity);
  });
  afterAll(async () => {
    await arm?.close();
    await identityEndpoint?.close();
  });

  it.each(routes)("serves $label to the operator (the baseline every refusal below departs from)", async (route) => {
    const response = await send(route);
    expect([200, 201, 204, 404]).toContain(response.status);
    if (route.label === "RoleAssignments_Get") expectError(response, 404, "RoleAssignmentNotFound");
    expect(response.headers["x-ms-correlation-request-id"]).toBe(response.headers["x-ms-request-id"]);
  });

  describe("tokens", () => {
    it.each(routes)("$label: no Authorization header is 401 AuthenticationFailed", async (route) => {
      expectError(await send(route, { bearer: null }), 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    });

    it.each(routes)("$label: a token for Storage is 401 InvalidAuthenticationTokenAudience quoting its audience", async (route) => {
      const storageToken = await mint({ resource: "https://storage.azure.com", identity: localOperatorIdentity });
      expectError(
        await send(route, { bearer: storageToken }),
        401,
        "InvalidAuthenticationTokenAudience",
        "The access token has been obtained for wrong audience or resource 'https://storage.azure.com'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
      );
    });

    it.each(routes)("$label: an expired token is 401 ExpiredAuthenticationToken with .NET UTC times", async (route) => {
      const expired = await mint({ resource: "https://management.azure.com", identity: localOperatorIdentity, lifetimeSeconds: -900 });
      const refusal = expectError(await send(route, { bearer: expired }), 401, "ExpiredAuthenticationToken");
      const time = String.raw`\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M`;
      expect(refusal.message).toMatch(new RegExp(`^The access token expiry UTC time '${time}' is earlier than current UTC time '${time}'\\.$`));
    });

    it.each([
      ["a malformed bearer token", "Bearer not.a.jwt"],
      ["a Basic header", `Basic ${Buffer.from("user:password").toString("base64")}`],
      ["an empty Bearer", "Bearer "],
    ])("answers %s with 401 alone", async (_label, header) => {
      expectError(await call("GET", `${authorization}/roleDefinitions`, { query: `api-version=${authorizationVersion}`, bearer: null, headers: { authorization: header } }), 401, "InvalidAuthenticationToken");
    });

    it("answers a token signed for another tenant with 401 alone", async () => {
      const foreign = await mint({ resource: "https://management.azure.com", identity: localOperatorIdentity, tenantOverride: "0ff7e4a2-0000-4000-8000-0000000000bb" });
      expectError(await send(routes[1] as ArmRoute, { bearer: foreign }), 401, "InvalidAuthenticationToken");
    });

    it("answers a token whose signature was tampered with 401 alone", async () => {
      const [header, payload] = operatorToken.split(".");
      expectError(await send(routes[1] as ArmRoute, { bearer: `${header}.${payload}.${"A".repeat(342)}` }), 401, "InvalidAuthenticationToken");
    });

    it("does not quote an audience that could break out of its quotes", async () => {
      const odd = await mint({ resource: "https://management.azure.com", identity: localOperatorIdentity, audienceOverride: "https://x'y.example" });
      expectError(await send(routes[1] as ArmRoute, { bearer: odd }), 401, "InvalidAuthenticationTokenAudience");
    });
  });

  describe("api-version", () => {
    it.each(routes)("$label: a missing api-version is 400 MissingApiVersionParameter", async (route) => {
      expectError(await send(route, { query: "" }), 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
      expectError(await send(route, { query: "api-version=" }), 400, "MissingApiVersionParameter");
    });

    it.each(routes)("$label: an unsupported api-version is 400 InvalidApiVersionParameter listing the type's versions", async (route) => {
      const response = await send(route, { query: "api-version=2015-07-01" });
      expectError(response, 400, "InvalidApiVersionParameter", `The api-version '2015-07-01' is invalid. The supported versions are '${route.supported.join(",")}'.`);
      expect(response.headers["x-ms-failure-cause"]).toBe("gateway");
    });

    it.each(routes)("$label: the other resource type's version is refused too", async (route) => {
      const other = route.apiVersion === resourcesVersion ? authorizationVersion : resourcesVersion;
      expectError(await send(route, { query: `api-version=${other}` }), 400, "InvalidApiVersionParameter");
    });

    it.each(routes)("$label: two api-versions, or one that cannot be quoted, are 400 alone", async (route) => {
      expectError(await send(route, { query: `api-version=${route.apiVersion}&api-version=${route.apiVersion}` }), 400, "RepeatedQueryParameter");
      expectError(await send(route, { query: `api-version=${encodeURIComponent("2022-04-01'")}` }), 400, "InvalidApiVersionParameter");
      expectError(await send(route, { query: `api-version=${"9".repeat(200)}` }), 400, "InvalidApiVersionParameter");
    });
  });

  describe("paths and scopes", () => {
    it.each([
      ["an encoded slash", `${localSubscriptionScope}%2FresourceGroups%2F${localResourceGroup}/providers/Microsoft.Authorization/permissions`],
      ["a dot-dot segment", `${localResourceGroupScope}/../../providers/Microsoft.Authorization/roleDefinitions`],
      ["an encoded dot-dot segment", `${localResourceGroupScope}/%2e%2e/providers/Microsoft.Authorization/roleDefinitions`],
      ["a dot segment", `${localResourceGroupScope}/./providers/Microsoft.Authorization/roleDefinitions`],
      ["an encoded backslash", `${localSubscriptionScope}/resourceGroups/a%5Cb/providers/Microsoft.Authorization/permissions`],
      ["an encoded control character", `${localSubscriptionScope}/resourceGroups/a%00b/providers/Microsoft.Authorization/permissions`],
      ["a broken percent-encoding", `${localSubscriptionScope}/resourceGroups/%E0%A4%A/providers/Microsoft.Authorization/permissions`],
    ])("answers %s with 400 alone", async (_label, path) => {
      // Sent as written: a WHATWG URL would resolve the dot segments before they left the client.
      expectError(await rawRequest(arm.endpoint, { path: `${path}?api-version=${authorizationVersion}`, headers: { authorization: `Bearer ${operatorToken}` } }), 400, "InvalidUri");
    });

    it.each([
      ["the root", "/"],
      ["another provider", `${localSubscriptionScope}/providers/Microsoft.Compute/virtualMachines`],
      ["another Authorization collection", `${authorization}/locks`],
      ["permissions at the tenant", "/providers/Microsoft.Authorization/permissions"],
      ["an item under permissions", `${authorization}/permissions/${randomUUID()}`],
      ["a resource without a name", `${localResourceGroupScope}/providers/Microsoft.Storage/storageAccounts/providers/Microsoft.Authorization/permissions`],
      ["an extension resource scope", `${localResourceGroupScope}/providers/A.B/c/d/providers/E.F/g/h/providers/Microsoft.Authorization/permissions`],
      ["a path of 40 segments", `/${Array.from({ length: 40 }, () => "a").join("/")}`],
    ])("answers %s with 404 alone", async (_label, path) => {
      expectError(await call("GET", path, { query: `api-version=${authorizationVersion}` }), 404, "NoRoute");
    });

    it("matches ARM's keywords without regard to case and skips empty segments, as ARM does", async () => {
      const shouting = `/SUBSCRIPTIONS/${localSubscriptionId}/RESOURCEGROUPS/${localResourceGroup}/PROVIDERS/microsoft.authorization/ROLEDEFINITIONS`;
      expect((await call("GET", shouting, { query: `api-version=${authorizationVersion}` })).status).toBe(200);
      expect((await call("GET", `/${authorization}`.replace("/providers", "//providers") + "/permissions", { query: `api-version=${authorizationVersion}` })).status).toBe(200);
    });

    it("answers a malformed subscription with 400 InvalidSubscriptionId, an unknown one with 404 SubscriptionNotFound", async () => {
      expectError(
        await call("GET", "/subscriptions/not-a-subscription/resourcegroups", { query: `api-version=${resourcesVersion}` }),
        400,
        "InvalidSubscriptionId",
        "The provided subscription identifier 'not-a-subscription' is malformed or invalid.",
      );
      const unknown = randomUUID();
      expectError(
        await call("GET", `/subscriptions/${unknown}/providers/Microsoft.Authorization/roleAssignments`, { query: `api-version=${authorizationVersion}` }),
        404,
        "SubscriptionNotFound",
        `The subscription '${unknown}' could not be found.`,
      );
    });

    it("never quotes a token put in the path", async () => {
      expectError(await call("GET", `/subscriptions/${operatorToken}/resourcegroups`, { query: `api-version=${resourcesVersion}` }), 400, "InvalidSubscriptionId");
      const unprivileged = await tokenOf(localUnprivilegedIdentity);
      expectError(
        await call("GET", `${localSubscriptionScope}/resourceGroups/${operatorToken}/providers/Microsoft.Authorization/permissions`, {
          query: `api-version=${authorizationVersion}`,
          bearer: unprivileged,
        }),
        403,
        "AuthorizationFailed",
      );
      expectError(await putAssignment(operatorToken, assignmentBody({})), 400, "InvalidRoleAssignmentId");
    });

    it("answers a missing resource group with 404 ResourceGroupNotFound to the Owner, and 403 to a caller without access", async () => {
      const path = `${localSubscriptionScope}/resourceGroups/no-such-group/providers/Microsoft.Authorization/permissions`;
      const owner = await call("GET", path, { query: `api-version=${authorizationVersion}` });
      expectError(owner, 404, "ResourceGroupNotFound", "Resource group 'no-such-group' could not be found.");
      expect(owner.headers["x-ms-failure-cause"]).toBe("gateway");
      const unprivileged = await tokenOf(localUnprivilegedIdentity);
      expectError(await call("GET", path, { query: `api-version=${authorizationVersion}`, bearer: unprivileged }), 403, "AuthorizationFailed");
      expectError(
        await call("GET", `${localSubscriptionScope}/resourceGroups/bad%20name/providers/Microsoft.Authorization/permissions`, { query: `api-version=${authorizationVersion}` }),
        404,
        "ResourceGroupNotFound",
      );
    });

    it("answers a caller with no role on the subscription's groups with ARM's AuthorizationFailed", async () => {
      const unprivileged = await tokenOf(localUnprivilegedIdentity);
      const response = await send(routes[0] as ArmRoute, { bearer: unprivileged });
      expectError(
        response,
        403,
        "AuthorizationFailed",
        `The client '${localUnprivilegedIdentity.objectId}' with object id '${localUnprivilegedIdentity.objectId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '${localSubscriptionScope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
      expect(response.headers["x-ms-failure-cause"]).toBe("gateway");
    });
  });

  describe("methods", () => {
    it.each([
      ["POST", `${localSubscriptionScope}/resourcegroups`, resourcesVersion, "GET"],
      ["DELETE", `${localSubscriptionScope}/resourcegroups`, resourcesVersion, "GET"],
      ["POST", `${authorization}/permissions`, authorizationVersion, "GET"],
      ["PUT", `${authorization}/roleAssignments`, authorizationVersion, "GET"],
      ["PATCH", `${authorization}/roleAssignments/${randomUUID()}`, authorizationVersion, "GET, PUT, DELETE"],
      ["POST", `${authorization}/roleAssignments/${randomUUID()}`, authorizationVersion, "GET, PUT, DELETE"],
      ["DELETE", `${authorization}/roleDefinitions`, authorizationVersion, "GET"],
      ["PUT", `${authorization}/roleDefinitions/${ownerId}`, authorizationVersion, "GET"],
      ["DELETE", `${authorization}/roleDefinitions/${ownerId}`, authorizationVersion, "GET"],
    ])("answers %s %s with 405 alone and Allow", async (method, path, apiVersion, allow) => {
      // Node's client frames a body only for methods that usually carry one; a DELETE goes without.
      const response = await call(method, path, { query: `api-version=${apiVersion}`, ...(method === "DELETE" ? {} : { body: "{}" }) });
      expectError(response, 405, "MethodNotAllowed");
      expect(response.headers.allow).toBe(allow);
    });
  });

  describe("query parameters", () => {
    it.each([
      ["a repeated $filter", `${authorization}/roleAssignments`, `$filter=atScope()&$filter=atScope()&api-version=${authorizationVersion}`, "RepeatedQueryParameter"],
      ["a repeated $top", `${localSubscriptionScope}/resourcegroups`, `$top=1&$top=2&api-version=${resourcesVersion}`, "RepeatedQueryParameter"],
      ["$top=0", `${localSubscriptionScope}/resourcegroups`, `$top=0&api-version=${resourcesVersion}`, "InvalidTop"],
      ["$top=-1", `${localSubscriptionScope}/resourcegroups`, `$top=-1&api-version=${resourcesVersion}`, "InvalidTop"],
      ["$top=many", `${localSubscriptionScope}/resourcegroups`, `$top=many&api-version=${resourcesVersion}`, "InvalidTop"],
      ["a resource group filter on a name", `${localSubscriptionScope}/resourcegroups`, `$filter=${encodeURIComponent("name eq 'x'")}&api-version=${resourcesVersion}`, "InvalidFilter"],
      ["a principal that is not a GUID", `${authorization}/roleAssignments`, `$filter=${encodeURIComponent("principalId eq 'x'")}&api-version=${authorizationVersion}`, "InvalidFilter"],
      ["an unknown role assignment filter", `${authorization}/roleAssignments`, `$filter=${encodeURIComponent("roleName eq 'Owner'")}&api-version=${authorizationVersion}`, "InvalidFilter"],
      ["atScope() twice", `${authorization}/roleAssignments`, `$filter=${encodeURIComponent("atScope() and atScope()")}&api-version=${authorizationVersion}`, "InvalidFilter"],
      ["two principals", `${authorization}/roleAssignments`, `$filter=${encodeURIComponent(`principalId eq '${randomUUID()}' and assignedTo('${randomUUID()}')`)}&api-version=${authorizationVersion}`, "InvalidFilter"],
      ["a 2000-character filter", `${authorization}/roleAssignments`, `$filter=${"a".repeat(2000)}&api-version=${authorizationVersion}`, "InvalidFilter"],
      ["an unknown role definition filter", `${authorization}/roleDefinitions`, `$filter=${encodeURIComponent("roleName ne 'Owner'")}&api-version=${authorizationVersion}`, "InvalidFilter"],
      ["another tenant", `${authorization}/roleAssignments`, `tenantId=${randomUUID()}&api-version=${authorizationVersion}`, "CrossTenantNotEmulated"],
      ["a skip token", `${authorization}/roleAssignments`, `$skipToken=abc&api-version=${authorizationVersion}`, "SkipTokenNotEmulated"],
    ])("answers %s with 400 alone", async (_label, path, query, code) => {
      expectError(await call("GET", path, { query }), 400, code);
    });

    it("lists no resource group for a tag filter (the local groups have no tags)", async () => {
      const response = await call("GET", `${localSubscriptionScope}/resourcegroups`, { query: `$filter=${encodeURIComponent("tagName eq 'env'")}&api-version=${resourcesVersion}` });
      expect([response.status, response.json()]).toEqual([200, { value: [] }]);
    });
  });

  describe("role assignment names and bodies", () => {
    it("answers a name that is not a GUID with 400 InvalidRoleAssignmentId on PUT and DELETE, 400 alone on GET", async () => {
      const message = "The role assignment ID 'kv-role-assignement3' is not valid. The role assignment ID must be a GUID.";
      expectError(await putAssignment("kv-role-assignement3", assignmentBody({})), 400, "InvalidRoleAssignmentId", message);
      expectError(await call("DELETE", `${authorization}/roleAssignments/kv-role-assignement3`, { query: `api-version=${authorizationVersion}` }), 400, "InvalidRoleAssignmentId", message);
      expectError(await call("GET", `${authorization}/roleAssignments/kv-role-assignement3`, { query: `api-version=${authorizationVersion}` }), 400, "InvalidRoleAssignmentId");
      expectError(await putAssignment(encodeURIComponent("it's"), assignmentBody({})), 400, "InvalidRoleAssignmentId");
    });

    it("answers a principal that is not a GUID with 400 InvalidPrincipalId", async () => {
      expectError(await putAssignment(randomUUID(), assignmentBody({ principalId: "User" })), 400, "InvalidPrincipalId", "The Principal ID 'User' is not valid. Principal ID must be a GUID.");
    });

    it.each([
      ["malformed JSON", "{", "InvalidRequestContent"],
      ["a JSON array", "[]", "InvalidRequestContent"],
      ["no properties", "{}", "InvalidRequestContent"],
      ["properties without a principal", JSON.stringify({ properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${readerId}` } }), "InvalidRequestContent"],
      ["a number for the principal", JSON.stringify({ properties: { roleDefinitionId: readerId, principalId: 42 } }), "InvalidRequestContent"],
      ["an unknown principal type", assignmentBody({ principalType: "Robot" }), "InvalidRequestContent"],
      ["a bare role GUID", assignmentBody({ roleDefinitionId: readerId }), "InvalidRoleDefinitionId"],
      ["a role of another subscription", assignmentBody({ roleDefinitionId: `/subscriptions/${randomUUID()}/providers/Microsoft.Authorization/roleDefinitions/${readerId}` }), "InvalidRoleDefinitionId"],
      ["a role that does not exist", assignmentBody({ roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}` }), "RoleDefinitionDoesNotExist"],
      ["a condition", assignmentBody({ condition: "@Resource[x] StringEquals 'y'", conditionVersion: "2.0" }), "NotEmulated"],
      ["a description", assignmentBody({ description: "kept nowhere" }), "NotEmulated"],
      ["JSON nested 30,000 deep", `${"[".repeat(30_000)}${"]".repeat(30_000)}`, "InvalidRequestContent"],
    ])("answers %s with 400 alone and assigns nothing", async (_label, body, code) => {
      const name = randomUUID();
      expectError(await putAssignment(name, body), 400, code);
      expect(arm.roles.assignments.some((assignment) => assignment.name === name)).toBe(false);
    });

    it("answers a body that is not JSON by media type with 415 UnsupportedMediaType, quoting the type", async () => {
      expectError(
        await putAssignment(randomUUID(), assignmentBody({}), { "content-type": "text/plain" }),
        415,
        "UnsupportedMediaType",
        "The content media type 'text/plain' is not supported. Only 'application/json' is supported.",
      );
    });

    it("answers a body with no media type with 415 quoting <null>, and no body at all with 400 alone", async () => {
      const name = randomUUID();
      const untyped = await rawRequest(`${arm.endpoint}${authorization}/roleAssignments/${name}?api-version=${authorizationVersion}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${operatorToken}` },
        body: assignmentBody({}),
      });
      expectError(untyped, 415, "UnsupportedMediaType", "The content media type '<null>' is not supported. Only 'application/json' is supported.");
      const empty = await rawRequest(`${arm.endpoint}${authorization}/roleAssignments/${name}?api-version=${authorizationVersion}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${operatorToken}` },
      });
      expectError(empty, 400, "InvalidRequestContent");
    });

    it("answers a 100 KiB body with 413 alone after draining it, and keeps the connection", async () => {
      const response = await putAssignment(randomUUID(), assignmentBody({ padding: "x".repeat(100 * 1024) }));
      expectError(response, 413, "RequestBodyTooLarge");
      expect(response.headers.connection).not.toBe("close");
    });

    it("answers a declared 100 MB body with 413 alone without reading it, and closes the connection", async () => {
      const response = await rawRequest(`${arm.endpoint}${authorization}/roleAssignments/${randomUUID()}?api-version=${authorizationVersion}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json", "content-length": String(100 * 1024 * 1024) },
        timeoutMs: 10_000,
      });
      expectError(response, 413, "RequestBodyTooLarge");
      expect(response.headers.connection).toBe("close");
    });

    it("refuses an app identity's assignment with 403 before reading its body", async () => {
      const appToken = await tokenOf(localSystemIdentity);
      const name = randomUUID();
      const response = await call("PUT", `${authorization}/roleAssignments/${name}`, { query: `api-version=${authorizationVersion}`, body: "{", bearer: appToken });
      expectError(response, 403, "AuthorizationFailed");
      expect(arm.roles.assignments.some((assignment) => assignment.name === name)).toBe(false);
    });
  });

  it("keeps serving after all of the above", async () => {
    const response = await send(routes[6] as ArmRoute);
    expect(response.status).toBe(200);
    expect((response.json() as { value: unknown[] }).value.length).toBeGreaterThan(5);
  });
});
