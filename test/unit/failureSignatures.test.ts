// Every row of the failure-signature table, from its verbatim sample: the classifier picks that row (not an
// earlier, broader one), gives its category, and the remediation says what the row requires. The same samples
// are replayed over the wire through the real SDKs in test/integration/failureReplay.test.ts.
import { describe, expect, it } from "vitest";
import { identitySignatures, transportSignatures } from "../../src/probes/failureSignatures.js";
import { classifyError, matchingSignature, type ClassifiedError } from "../../src/probes/classifyError.js";
import { categoryRemediation, remediationFor, type RemediationContext } from "../../src/probes/remediation.js";
import { resourceDefinitions } from "../../src/resources/resourceDefinitions.js";
import type { FailureEvidence, FailureOrigin, FailureSample, FailureSignature } from "../../src/shared/failureSignature.js";
import type { ErrorCategory } from "../../src/shared/healthReport.js";

const clientId = "5e0c1d00-0000-4000-8000-00000000a002";
const objectId = "5e0c1d00-0000-4000-8000-00000000b002";
const scope = "/subscriptions/00000000-1d00-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

/** Reads a sample the way a client reads the response: status, error code, words, auth detail, content type. */
function evidenceOf(sample: FailureSample, origin: FailureOrigin): FailureEvidence {
  if (sample.kind === "transport") return { origin, code: sample.code, text: sample.message };
  let code = sample.headers["x-ms-error-code"] ?? /<Code>([^<]+)<\/Code>/.exec(sample.body)?.[1];
  try {
    const body = JSON.parse(sample.body) as { error?: unknown; code?: unknown };
    if (typeof body.error === "string") code ??= body.error;
    // ARM's and the Azure data planes' ErrorResponse: `{"error":{"code":…}}`, as createRestError reads it.
    const nested = (body.error as { code?: unknown } | null | undefined)?.code;
    if (typeof nested === "string") code ??= nested;
    if (typeof body.code === "string") code ??= body.code;
  } catch {
    // not JSON: XML, text or empty
  }
  const detail = /<AuthenticationErrorDetail>([^<]+)<\/AuthenticationErrorDetail>/.exec(sample.body)?.[1];
  const contentType = sample.headers["content-type"];
  return {
    origin,
    status: sample.status,
    text: sample.body,
    ...(code ? { code } : {}),
    ...(detail ? { detail } : {}),
    ...(contentType ? { contentType } : {}),
  };
}

interface Row {
  readonly signature: FailureSignature;
  readonly owner: readonly FailureSignature[];
  readonly context: RemediationContext;
}

const storageDefinition = resourceDefinitions.find((definition) => definition.component === "storage");

function contextFor(origin: FailureOrigin, displayName = "Blob Storage", roleName = "Storage Blob Data Contributor"): RemediationContext {
  return {
    kind: origin === "identity" ? "token" : "access",
    identityName: "user-assigned",
    clientId,
    objectId,
    audience: "https://storage.azure.com",
    timeoutMs: 5000,
    resource: {
      displayName,
      roleName,
      scope,
      endpoint: "https://acct.blob.core.windows.net",
      scopeSetting: "AZURE_STORAGE_ACCOUNT_ID",
      endpointSetting: "AZURE_STORAGE_BLOB_ENDPOINT",
    },
  };
}

const rows: Row[] = [
  ...identitySignatures.map((signature) => ({ signature, owner: [], context: contextFor("identity") })),
  ...transportSignatures.map((signature) => ({ signature, owner: [], context: contextFor("resource") })),
  ...resourceDefinitions.flatMap((definition) =>
    definition.failureSignatures.map((signature) => ({
      signature,
      owner: definition.failureSignatures,
      context: contextFor("resource", definition.displayName, definition.dataRole.name),
    })),
  ),
];

/** What each row's remediation must say (shared/failure-signatures.md, "a correct remediation must say"). */
const mustSay: Readonly<Record<string, readonly string[]>> = {
  "appservice-identity-not-loaded": [clientId, "az functionapp identity assign", "AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES"],
  "imds-identity-not-found": [clientId, "AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES"],
  "imds-several-identities-none-selected": ["AZURE_CLIENT_ID"],
  "identity-request-refused-no-body": ["DEFAULT_IDENTITY_CLIENT_ID", "AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES"],
  "entra-resource-unknown": ["https://storage.azure.com", "IDENTITY_PROBE_AUDIENCES"],
  "appservice-token-fetch-failed": ["500", "asks again", "restart the app"],
  "imds-throttled": ["throttling", "20 token requests per second and 5 at once"],
  "imds-updating": ["70 seconds"],
  "imds-metadata-header-missing": ["proxy", "NO_PROXY"],
  "imds-forwarded-request-refused": ["X-Forwarded-For", "NO_PROXY"],
  "service-principal-secret-invalid": ["AZURE_CLIENT_SECRET", "not the secret's ID", "az ad app credential reset"],
  "identity-secret-refused": ["IDENTITY_HEADER"],
  "identity-answer-not-a-token": ["content type text/html", "not a token response", "not throttling"],
  "identity-answer-without-token": ["not a token response", "not throttling"],
  "identity-endpoint-unreachable": ["enable the system-assigned identity", "AZURE_CLIENT_ID"],
  "imds-no-connection": ["169.254.169.254", "az vm identity assign", "az login"],
  "token-for-another-audience": ["another audience than https://storage.azure.com"],
  "token-already-expired": ["clock"],
  "workload-identity-no-federation": ["federated identity credential"],
  "dns-name-not-found": ["ENOTFOUND", "AZURE_STORAGE_BLOB_ENDPOINT", "DNS"],
  "connection-refused": ["ECONNREFUSED", "AZURE_STORAGE_BLOB_ENDPOINT"],
  "tls-untrusted-chain": ["SELF_SIGNED_CERT_IN_CHAIN", "certificate", "NODE_EXTRA_CA_CERTS"],
  "tls-name-mismatch": ["ERR_TLS_CERT_ALTNAME_INVALID", "certificate"],
  "connection-reset": ["firewall"],
  "storage-data-role-missing": ["'Storage Blob Data Contributor'", objectId, scope, "az role assignment create", "30 minutes"],
  "storage-network-rules": ["network rules", "not a missing role", "firewall"],
  "storage-token-audience": ["https://storage.azure.com"],
  "storage-token-issuer": ["tenant"],
  "storage-token-expired": ["expired", "clock", "not an audience or tenant problem"],
  "storage-no-token": ["no token"],
  "storage-account-disabled": ["disabled", "AZURE_STORAGE_BLOB_ENDPOINT"],
  "storage-server-busy": ["busy", "asks again"],
  "storage-internal-error": ["InternalError"],
  "webpubsub-data-role-missing": ["'Web PubSub Service Owner'", objectId, "az role assignment create", "30 minutes"],
  "quantum-workspace-not-found": ["AZURE_QUANTUM_WORKSPACE_ID", "AZURE_QUANTUM_ENDPOINT"],
  "arm-authorization-failed": ["'Reader'", objectId, "az role assignment create", "grantResourceGroupReader", "30 minutes"],
  "arm-resource-group-not-listed": ["'Reader'", objectId, "AZURE_RESOURCE_GROUP"],
  "arm-subscription-not-found": ["AZURE_SUBSCRIPTION_ID", "tenant"],
  "arm-invalid-subscription-id": ["AZURE_SUBSCRIPTION_ID", "malformed"],
  "arm-token-audience": ["AZURE_RESOURCE_MANAGER_ENDPOINT", "https://management.azure.com"],
  "arm-token-expired": ["expired", "clock"],
  "arm-token-tenant": ["another tenant", "AZURE_SUBSCRIPTION_ID"],
  "arm-throttled": ["throttles", "arm-throttling"],
};

/** Rows with no sample are matched from what their `match` describes. */
function syntheticEvidence(signature: FailureSignature): FailureEvidence {
  const code = signature.match.code?.source.replace(/^\^\(?|\)?\$$/g, "").split("|")[0];
  const text = signature.match.text?.source.split("|")[0]?.replace(/\\/g, "") ?? "";
  return {
    origin: signature.match.origin,
    text,
    ...(code ? { code } : {}),
    ...(signature.match.status ? { status: signature.match.status[0] } : {}),
  };
}

describe("the failure-signature table", () => {
  it("has unique IDs, a source and a remediation for every row, and a test expectation for each", () => {
    const ids = rows.map((row) => row.signature.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { signature } of rows) {
      expect(signature.source.length, signature.id).toBeGreaterThan(10);
      expect(signature.remediation.length, signature.id).toBeGreaterThan(20);
      expect(mustSay[signature.id], `no expectation for ${signature.id}`).toBeDefined();
    }
  });

  it.each(rows.map((row) => [row.signature.id, row] as const))("recognises %s from its sample, with the fix it requires", (_id, row) => {
    const { signature, owner, context } = row;
    const evidence = signature.sample ? evidenceOf(signature.sample, signature.match.origin) : syntheticEvidence(signature);
    const matched = matchingSignature(evidence, owner);
    expect(matched?.id).toBe(signature.id);
    const classified: ClassifiedError = {
      category: signature.category,
      origin: signature.match.origin,
      message: "",
      evidence,
      signature,
      ...(evidence.status !== undefined ? { status: evidence.status } : {}),
      ...(evidence.code !== undefined ? { code: evidence.code } : {}),
    };
    const remediation = remediationFor(classified, context);
    for (const phrase of mustSay[signature.id] ?? []) expect(remediation).toContain(phrase);
    expect(remediation).not.toMatch(/\{\w+\}/);
    if (signature.category === "forbidden") expect(signature.mayBePropagating).toBe(true);
    if (signature.id === "storage-network-rules") expect(remediation).not.toMatch(/propagat|30 minutes/);
  });

  it("has a remediation for every category, unknown included, that names what was seen", () => {
    const categories: ErrorCategory[] = [
      "identity-unavailable",
      "identity-not-found",
      "endpoint-error",
      "timeout",
      "audience-invalid",
      "unauthorized",
      "forbidden",
      "network",
      "misconfigured",
      "unknown",
    ];
    for (const category of categories) expect(categoryRemediation[category].default.length, category).toBeGreaterThan(20);
    const unknown = classifyError(
      Object.assign(new Error("teapot"), { statusCode: 418, code: "Teapot" }),
      "resource",
      storageDefinition?.failureSignatures,
    );
    expect(unknown.category).toBe("unknown");
    const text = remediationFor(unknown, contextFor("resource"));
    expect(text).toContain("418 Teapot");
    expect(text).toContain("logs");
  });
});
