import { describe, expect, it } from "vitest";
import { RestError } from "@azure/core-rest-pipeline";
import { AuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { classifyError, redact } from "../../src/probes/classifyError.js";
import { storage } from "../../src/resources/storage.js";

/** MSAL's ServerError as ManagedIdentityCredential wraps it (shape seen over the wire in the integration tests). */
function msalServerError(status: number, errorCode: string, description: string): Error {
  const error = new Error(
    `${errorCode}: Error(s): Not Available - Timestamp: Not Available - Description: ${description} - Correlation ID: Not Available - Trace ID: Not Available`,
  );
  error.name = "ServerError";
  return Object.assign(error, { errorCode, status });
}

function wrapped(message: string, cause: unknown): CredentialUnavailableError {
  return new CredentialUnavailableError(message, { cause });
}

const cases: { name: string; error: unknown; category: string; status?: number; credentialCause?: boolean }[] = [
  {
    name: "App Service: unknown user-assigned client ID",
    error: wrapped(
      "ManagedIdentityCredential: Authentication failed. Message : Error(s): Not Available - Timestamp: Not Available - Description: Unable to load the proper Managed Identity. - Correlation ID: bf68136a-73f7-4ca4-9903-9ee8af3ab2ee - Trace ID: Not Available",
      msalServerError(400, "", "Unable to load the proper Managed Identity."),
    ),
    category: "identity-not-found",
  },
  {
    name: "IMDS: identity not found",
    error: wrapped(
      "ManagedIdentityCredential: Authentication failed. Message invalid_request: Description: Identity not found - Correlation ID: Not Available",
      msalServerError(400, "invalid_request", "Identity not found"),
    ),
    category: "identity-not-found",
  },
  {
    name: "identity endpoint 500",
    error: wrapped(
      "ManagedIdentityCredential: Authentication failed. Message : Description: failed - Correlation ID: 1",
      msalServerError(500, "", "failed"),
    ),
    category: "endpoint-error",
    status: 500,
  },
  {
    name: "identity endpoint 429",
    error: wrapped("ManagedIdentityCredential: throttled", msalServerError(429, "", "Too many requests.")),
    category: "endpoint-error",
    status: 429,
  },
  {
    name: "no identity endpoint listening",
    error: new CredentialUnavailableError("ManagedIdentityCredential: Network unreachable. Message: network_error"),
    category: "identity-unavailable",
  },
  {
    name: "AuthenticationError 503 from the endpoint",
    error: new AuthenticationError(503, { error: "service_unavailable", error_description: "busy" }),
    category: "endpoint-error",
    status: 503,
  },
  {
    name: "unknown resource",
    error: wrapped(
      "ManagedIdentityCredential: invalid_resource AADSTS500011: The resource principal named https://x was not found",
      undefined,
    ),
    category: "audience-invalid",
  },
  {
    name: "storage 403",
    error: new RestError("This request is not authorized", { statusCode: 403, code: "AuthorizationPermissionMismatch" }),
    category: "forbidden",
    status: 403,
  },
  {
    name: "storage 401",
    error: new RestError("Server failed to authenticate the request.", { statusCode: 401, code: "InvalidAuthenticationInfo" }),
    category: "unauthorized",
    status: 401,
  },
  {
    name: "an access check whose token request failed (the identity's failure, not the resource's)",
    error: new RestError("wrapped", { statusCode: undefined }),
    category: "identity-unavailable",
    credentialCause: true,
  },
  { name: "service 503", error: new RestError("Service Unavailable", { statusCode: 503 }), category: "endpoint-error", status: 503 },
  { name: "connection refused", error: new RestError("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" }), category: "network" },
  {
    name: "untrusted certificate",
    error: new RestError("self-signed certificate in certificate chain", { code: "SELF_SIGNED_CERT_IN_CHAIN" }),
    category: "network",
  },
  {
    name: "undici fetch failure",
    error: new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) }),
    category: "network",
  },
  { name: "abort", error: new DOMException("The operation was aborted.", "AbortError"), category: "timeout" },
  { name: "AbortSignal.timeout", error: new DOMException("The operation timed out.", "TimeoutError"), category: "timeout" },
  { name: "a string", error: "boom", category: "unknown" },
  { name: "null", error: null, category: "unknown" },
];

describe("classifyError", () => {
  it.each(cases)("classifies $name as $category", ({ error, category, status, credentialCause }) => {
    const thrown = credentialCause
      ? Object.assign(error as object, {
          cause: new CredentialUnavailableError("ManagedIdentityCredential: Network unreachable. Message: network_error"),
        })
      : error;
    const classified = classifyError(thrown, "resource", storage.failureSignatures);
    expect(classified.category).toBe(category);
    if (status !== undefined) expect(classified.status).toBe(status);
  });

  it("survives a cyclic cause chain", () => {
    const error = new Error("loop") as Error & { cause?: unknown };
    error.cause = error;
    expect(classifyError(error).category).toBe("unknown");
  });

  it("keeps the identity endpoint's own words and drops MSAL's boilerplate", () => {
    const classified = classifyError(
      wrapped(
        "ManagedIdentityCredential: Authentication failed. Message : Error(s): Not Available - Timestamp: Not Available - Description: The thing broke. - Correlation ID: 9 - Trace ID: Not Available",
        undefined,
      ),
    );
    expect(classified.message).toBe("ManagedIdentityCredential: The thing broke.");
  });
});

describe("redact", () => {
  it.each([
    ["Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln", "[redacted"],
    ["https://a.blob.core.windows.net/c?sv=2020&sig=abc%2Fdef&se=1", "sig=[redacted]"],
    ["token eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln in text", "[redacted-token]"],
  ])("removes secrets from %s", (input, marker) => {
    const output = redact(input);
    expect(output).toContain(marker);
    expect(output).not.toMatch(/eyJhbGci|abc%2Fdef/);
  });
});
