// What a real managed identity endpoint answers when it does not hand out a token, per protocol, in its own
// words. Where a row of the app's failure-signature table holds the verbatim response, that row's sample is
// the answer (one copy of Azure's wording, with its source there); where only a status is documented, the
// answer is that status with no body — never wording made up here.
import { randomUUID } from "node:crypto";
import { identitySignatures } from "../../src/probes/failureSignatures.js";
import type { FailureSample } from "../../src/shared/failureSignature.js";

export type IdentityProtocol = "AppService" | "IMDS" | "MachineLearning";

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A row's verbatim sample as an HTTP answer. Correlation IDs are new for each answer, as the service's are. */
export function signatureAnswer(id: string): Answer {
  const sample = identitySignatures.find((row) => row.id === id)?.sample;
  if (!sample || sample.kind !== "http") throw new Error(`No HTTP sample for signature ${id}`);
  return freshCorrelation(sample);
}

function freshCorrelation(sample: Extract<FailureSample, { kind: "http" }>): Answer {
  const previous = /"correlationId":"([0-9a-f-]{36})"/.exec(sample.body)?.[1];
  if (!previous) return sample;
  const correlationId = randomUUID();
  return {
    status: sample.status,
    headers: Object.fromEntries(Object.entries(sample.headers).map(([name, value]) => [name, value === previous ? correlationId : value])),
    body: sample.body.split(previous).join(correlationId),
  };
}

/** A status with nothing more: what is documented where no public capture shows the body. */
export function statusOnly(status: number): Answer {
  return { status, headers: {}, body: "" };
}

function imdsJson(status: number, body: Record<string, unknown>): Answer {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}

export const identityEndpointAnswers = {
  /** Unknown identity asked for, or several attached and none asked for. */
  identityNotLoaded(protocol: IdentityProtocol, hasSeveral: boolean): Answer {
    if (protocol === "AppService") return signatureAnswer("appservice-identity-not-loaded");
    // Azure ML: "all token requests must specify a clientid, even for system-assigned managed identities"
    // (maintainer, AzureAD/microsoft-authentication-library-for-js#7609); a compute instance answering a token
    // request it cannot serve: "Get Token request returned http error: 400, reason: Bad Request"
    // (Azure/azure-cli#25543). Only the status is public: it is sent alone.
    if (protocol === "MachineLearning") return statusOnly(400);
    return signatureAnswer(hasSeveral ? "imds-several-identities-none-selected" : "imds-identity-not-found");
  },

  /**
   * App Service: a wrong or missing X-IDENTITY-HEADER. Only statuses are public: App Service 401
   * (github.com/Azure/azure-sdk-for-js/issues/11595), Container Apps 403 with an empty body
   * (AzureAD/microsoft-authentication-library-for-dotnet#5077).
   */
  secretRefused(): Answer {
    return statusOnly(401);
  },

  /**
   * Azure ML: a wrong or missing `secret` header. Its words are public ("Invalid secret token header: .",
   * echoed by MSAL.NET in Azure/azure-sdk-for-net#46932) but not its status, and a status cannot be made up
   * for them; "ML MSI emulates App Service 2017" (christothes, Azure/azure-sdk-for-net#47753), whose refusal of
   * its secret is a 401 with no body (Azure/azure-sdk-for-js#11595): that status, alone.
   */
  machineLearningSecretRefused(): Answer {
    return statusOnly(401);
  },

  /** IMDS: no `Metadata: true` (VM-token-doc "HTTP response reference", 400 bad_request_102). */
  metadataHeaderMissing(): Answer {
    return signatureAnswer("imds-metadata-header-missing");
  },

  /** IMDS refuses requests that came through a proxy (github.com/terricain/certbot-dns-azure/issues/54). */
  forwardedRequest(): Answer {
    return signatureAnswer("imds-forwarded-request-refused");
  },

  /**
   * Requests that break a documented rule without a public capture of the answer: IMDS "Requests with
   * duplicate query parameter names will be rejected" (IMDS-doc "Query parameters"); two identity selectors
   * ("Mutually exclusive", IMDS spec 2018-10-01; AS-doc: client_id "Cannot be used on a request that includes
   * principal_id, mi_res_id, or object_id"); an api-version the endpoint does not serve.
   */
  ruleBroken(): Answer {
    return statusOnly(400);
  },

  /** IMDS without api-version (IMDS-doc "Versioning"). */
  apiVersionMissing(protocol: IdentityProtocol): Answer {
    if (protocol !== "IMDS") return statusOnly(400);
    return imdsJson(400, {
      error: "Bad request. api-version was not specified in the request. For more information refer to aka.ms/azureimds",
      "newest-versions": ["2020-10-01", "2020-09-01", "2020-07-15"],
    });
  },

  /** IMDS without resource (github.com/Azure/aad-pod-identity/pull/450, quoting IMDS). */
  resourceMissing(protocol: IdentityProtocol): Answer {
    if (protocol !== "IMDS") return statusOnly(400);
    return imdsJson(400, { error: "invalid_request", error_description: "Required query variable 'resource' is missing" });
  },

  /**
   * A resource Entra ID does not know. IMDS passes Entra's AADSTS500011 through (MSAL.NET#3979); App Service
   * answers its generic 500 and keeps the AADSTS code in its own logs (azure-functions-host#9884).
   */
  resourceUnknown(protocol: IdentityProtocol, resource: string, tenantName: string): Answer {
    if (protocol === "AppService") return signatureAnswer("appservice-token-fetch-failed");
    // Azure ML: no public capture of its answer to an unknown resource.
    if (protocol === "MachineLearning") return statusOnly(400);
    const sample = signatureAnswer("entra-resource-unknown");
    return {
      ...sample,
      body: sample.body
        .replace("https://managements.azure.com", resource.replace(/["\\]/g, ""))
        .replace("tenant named Microsoft", `tenant named ${tenantName}`),
    };
  },

  /**
   * An injected failure of the given status: the protocol's known answer for it, else the status alone (no
   * public capture shows App Service's or Azure ML's 429, or any 5xx of Azure ML).
   */
  failure(protocol: IdentityProtocol, status: number): Answer {
    if (protocol === "AppService" && (status === 500 || status === 503)) {
      const answer = signatureAnswer("appservice-token-fetch-failed");
      return { ...answer, status, body: answer.body.replace('"statusCode":500', `"statusCode":${status}`) };
    }
    if (protocol === "IMDS" && status === 429) return signatureAnswer("imds-throttled");
    return statusOnly(status);
  },
};
