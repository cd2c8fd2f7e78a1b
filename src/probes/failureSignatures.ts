// What the managed identity endpoints, Microsoft Entra ID and the transport say when getting a token or
// reaching a resource fails: rows of data, each with the public source of its wording. Each resource's own
// answers (Storage's error codes, Web PubSub's 403) are rows of its definition in src/resources/. The
// classifier (classifyError.ts) takes the first row that matches, so specific rows come before general ones.
//
// Shorthand for sources: AS-doc = learn "Managed identities for App Service and Azure Functions" (REST
// endpoint reference); VM-token-doc = learn "How to use managed identities for Azure resources on an Azure VM
// to acquire an access token" (error handling, HTTP response reference, retry guidance); IMDS-doc = learn
// "Azure Instance Metadata Service" (errors, rate limiting, security); identity-4.14 = @azure/identity 4.14.1
// dist/esm/credentials/managedIdentityCredential/index.js and client/identityClient.js (how the SDK words a
// failed token request).
import type { FailureSignature } from "../shared/failureSignature.js";

const json = "application/json; charset=utf-8";

const notATokenRemediation =
  "The identity endpoint answered 200 with {contentType}, which is not a token response: a proxy answered instead of the endpoint, " +
  "or IDENTITY_ENDPOINT / AZURE_POD_IDENTITY_AUTHORITY_HOST points somewhere else. This is not throttling.";

/** When a transient endpoint state is asked again: the next report, and not before Retry-After. */
const retryNote = "{retry}";

export const identitySignatures: readonly FailureSignature[] = [
  {
    id: "appservice-identity-not-loaded",
    scenario: "App Service / Functions: the user-assigned identity asked for is not attached, or several are attached and none is selected",
    match: { origin: "identity", status: [400], text: /Unable to load the proper Managed Identity\./ },
    category: "identity-not-found",
    remediation:
      "The identity endpoint could not load {identity}: attach it to the app (az functionapp identity assign --identities <user-assigned identity resource ID>) " +
      "or correct AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES. With several user-assigned identities attached, one must be selected by client ID.",
    source:
      "github.com/Azure/azure-sdk-for-net/issues/43691 (body, headers); github.com/microsoft/azure-container-apps/issues/442 and " +
      "github.com/AzureAD/microsoft-authentication-library-for-dotnet/issues/5263 (several identities, none selected)",
    evidence: "observed",
    sample: {
      kind: "http",
      status: 400,
      headers: { "content-type": json, server: "Kestrel", "x-correlation-id": "bf68136a-73f7-4ca4-9903-9ee8af3ab2ee" },
      body: '{"statusCode":400,"message":"Unable to load the proper Managed Identity.","correlationId":"bf68136a-73f7-4ca4-9903-9ee8af3ab2ee"}',
    },
  },
  {
    id: "imds-identity-not-found",
    scenario: "IMDS: the user-assigned identity asked for is not assigned to the VM",
    match: { origin: "identity", status: [400], text: /Identity not found/ },
    category: "identity-not-found",
    remediation:
      "{identity} is not assigned to this machine: assign it (az vm identity assign --identities <user-assigned identity resource ID>) " +
      "or correct AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES.",
    source: "github.com/Azure/azure-sdk-for-net/issues/37278 and /46709 (body, headers); github.com/Azure/aad-pod-identity/issues/1054",
    evidence: "observed",
    sample: {
      kind: "http",
      status: 400,
      headers: { "content-type": json, server: "IMDS/150.870.65.1015" },
      body: '{"error":"invalid_request","error_description":"Identity not found"}',
    },
  },
  {
    id: "imds-several-identities-none-selected",
    scenario: "IMDS: several user-assigned identities and no system-assigned one, and the request names none",
    match: { origin: "identity", status: [400], text: /Multiple user assigned identities exist/ },
    category: "identity-not-found",
    remediation:
      "Several user-assigned identities are assigned here and {identity} names none of them: set AZURE_CLIENT_ID to the client ID of the one to use.",
    source:
      "github.com/Hexadite/acs-keyvault-agent/pull/43 (status, headers, Content-Length 168); github.com/Azure/azure-sdk-for-rust/pull/748; " +
      "github.com/databricks/databricks-sdk-go/issues/346",
    evidence: "observed",
    sample: {
      kind: "http",
      status: 400,
      headers: { "content-type": json, server: "IMDS/150.870.65.512" },
      body: '{"error":"invalid_request","error_description":"Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request"}',
    },
  },
  {
    id: "identity-request-refused-no-body",
    scenario:
      "The identity endpoint refused the token request with a bare 400: Azure ML when the request names no identity it serves " +
      "(every request must name one by clientid), Functions with only a user-assigned identity and none named",
    // identity-4.14 client/identityClient.js parseResponseBody: an empty body becomes "Http status message: Unknown";
    // the raw check says "with no body".
    match: { origin: "identity", status: [400], text: /Http status message: Unknown|answered 400 with no body/ },
    category: "identity-not-found",
    remediation:
      "The identity endpoint refused to serve {identity} (400, no body). On an Azure ML compute instance every request names its " +
      "identity: the compute's own is DEFAULT_IDENTITY_CLIENT_ID, and a user-assigned one must be assigned to the compute. " +
      "On App Service or Functions, attach the identity (az functionapp identity assign --identities <resource ID>) or set AZURE_CLIENT_ID / IDENTITY_PROBE_IDENTITIES to one that is.",
    source:
      'github.com/Azure/azure-cli/issues/25543 (ML compute instance: "Get Token request returned http error: 400, reason: Bad Request"); ' +
      "AzureAD/microsoft-authentication-library-for-js#7609 (maintainer: every ML token request must specify a clientid); " +
      "github.com/Azure/azure-functions-host/issues/8037 (Functions, one user-assigned identity, none named: 400)",
    evidence: "observed",
  },
  {
    id: "entra-resource-unknown",
    scenario: "Entra ID does not know the audience (IMDS passes Entra's answer through)",
    match: { origin: "identity", text: /AADSTS500011|invalid_resource|resource principal named .* was not found/ },
    category: "audience-invalid",
    remediation:
      "Microsoft Entra ID knows no resource {audience} in this tenant: correct the audience (IDENTITY_PROBE_AUDIENCES for an extra audience), " +
      "or register the application it names in the identity's tenant.",
    source:
      'github.com/AzureAD/microsoft-authentication-library-for-dotnet/issues/3979 (body); VM-token-doc "HTTP response reference" (400 invalid_resource)',
    evidence: "observed",
    sample: {
      kind: "http",
      status: 400,
      headers: { "content-type": json },
      body: '{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal named https://managements.azure.com was not found in the tenant named Microsoft. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.\\r\\nTrace ID: ab366fb9-0000-0000-0000-000000000000\\r\\nCorrelation ID: 9fa23f6b-0000-0000-0000-000000000000\\r\\nTimestamp: 2023-02-27 21:52:09Z"}',
    },
  },
  {
    id: "appservice-token-fetch-failed",
    scenario: "App Service / Functions: the platform could not get a token from Entra ID (it logs the AADSTS code server-side)",
    match: { origin: "identity", status: [500, 503], text: /An unexpected error occured while fetching the AAD Token/ },
    category: "endpoint-error",
    isTransient: true,
    remediation:
      "The identity endpoint answered {status}: the platform could not get a token from Microsoft Entra ID. " +
      `It is transient more often than not; ${retryNote} If it persists for this audience only, the audience is the cause; if for all, restart the app and check Azure status.`,
    source:
      "github.com/Azure/azure-sdk-for-net/issues/44685 (500 body, headers); github.com/Azure/azure-kusto-python/issues/224 (503); " +
      "github.com/Azure/azure-functions-host/issues/9884 (maintainer: the AADSTS error is in the platform's logs)",
    evidence: "observed",
    sample: {
      kind: "http",
      status: 500,
      headers: { "content-type": json, server: "Kestrel", "x-correlation-id": "8997f3a2-4774-4406-bcc2-14da6f7c387a" },
      body: '{"statusCode":500,"message":"An unexpected error occured while fetching the AAD Token.","correlationId":"8997f3a2-4774-4406-bcc2-14da6f7c387a"}',
    },
  },
  {
    id: "imds-throttled",
    scenario: "IMDS throttles: more than 20 requests per second or 5 at once",
    match: { origin: "identity", status: [429] },
    category: "endpoint-error",
    isTransient: true,
    remediation:
      "The identity endpoint is throttling (IMDS allows 20 token requests per second and 5 at once per machine). " +
      `Something on this machine asks too often: ${retryNote}`,
    source:
      'github.com/hashicorp/terraform-provider-azurerm/issues/20901 (body); IMDS-doc "Rate limiting" (20 requests/s, 5 concurrent); VM-token-doc error table (429)',
    evidence: "observed",
    sample: {
      kind: "http",
      status: 429,
      headers: { "content-type": json },
      body: '{"error":"invalid_request","error_description":"Temporarily throttled, too many requests"}',
    },
  },
  {
    id: "imds-updating",
    scenario: "IMDS is going through updates (410), or its endpoint is updating (404)",
    match: { origin: "identity", status: [404, 410] },
    category: "endpoint-error",
    isTransient: true,
    remediation: `The identity endpoint is updating ({status}): IMDS is available again within 70 seconds. ${retryNote}`,
    source:
      'VM-token-doc error table (404 "IMDS endpoint is updating", 410 "IMDS will be available within 70 seconds"); ' +
      "github.com/Azure/azure-sdk-for-net/issues/28568 (410 seen, no body)",
    evidence: "documented",
    sample: { kind: "http", status: 410, headers: {}, body: "" },
  },
  {
    id: "imds-metadata-header-missing",
    scenario: "IMDS refused a request without the Metadata header: something between the app and IMDS dropped it",
    match: { origin: "identity", status: [400], text: /bad_request_102|Required metadata header not specified/ },
    category: "endpoint-error",
    remediation:
      "IMDS says the Metadata header was missing. The SDK always sends it, so a proxy between the app and 169.254.169.254 removed it: " +
      "exclude 169.254.169.254 from the proxy (NO_PROXY).",
    source:
      'VM-token-doc "HTTP response reference" (400 bad_request_102); IMDS-doc FAQ ("400 Bad Request, Required metadata header not specified")',
    evidence: "documented",
    sample: {
      kind: "http",
      status: 400,
      headers: { "content-type": json },
      body: '{"error":"bad_request_102","error_description":"Required metadata header not specified"}',
    },
  },
  {
    id: "imds-forwarded-request-refused",
    scenario: "IMDS refused a request that came through a proxy (X-Forwarded-For)",
    match: { origin: "identity", status: [400], text: /X-Forwarded-For/ },
    category: "endpoint-error",
    remediation:
      "IMDS refuses requests that carry X-Forwarded-For: a proxy sits between the app and 169.254.169.254. " +
      "Exclude 169.254.169.254 from the proxy (NO_PROXY=169.254.169.254).",
    source:
      'github.com/terricain/certbot-dns-azure/issues/54 (body, status); IMDS-doc "Security and authentication" (must not contain X-Forwarded-For)',
    evidence: "observed",
    sample: {
      kind: "http",
      status: 400,
      headers: {},
      body:
        '<?xml version="1.0" encoding="utf-8"?>\n<Error xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n' +
        "    <Code>InvalidHeaderValue</Code>\n    <Message>The value provided for one of the HTTP headers was not in the correct format.</Message>\n" +
        "    <Details>Header contains 'X-Forwarded-For' are not supported.</Details>\n</Error>",
    },
  },
  // Before the 401/403 rows of the identity endpoint: Entra answers a federated assertion it has no credential for
  // with 401 invalid_client too (test/integration/cliHosts.test.ts, the pod with workload identity).
  {
    id: "workload-identity-no-federation",
    scenario: "Workload identity: Entra ID has no federated credential for the token the pod presented",
    match: { origin: "identity", text: /AADSTS70021|AADSTS700211/ },
    category: "misconfigured",
    remediation:
      "Microsoft Entra ID found no federated identity credential that matches the pod's token: add one to {identity} whose issuer, subject " +
      "and audience match (az identity federated-credential create).",
    source:
      "github.com/Azure/azure-workload-identity/issues/616 (400 invalid_request); github.com/external-secrets/external-secrets/issues/2783 " +
      "(401 invalid_client); github.com/Azure/azure-workload-identity/issues/1200 (AADSTS700211)",
    evidence: "observed",
  },
  {
    id: "service-principal-secret-invalid",
    scenario: "Microsoft Entra ID refused a service principal's client secret (AZURE_CLIENT_SECRET): wrong, expired, or the secret's ID",
    match: { origin: "identity", text: /AADSTS7000215/ },
    category: "misconfigured",
    remediation:
      "Microsoft Entra ID refused the client secret of {identity}: AZURE_CLIENT_SECRET must be the value of a current secret of that app " +
      "registration, not the secret's ID. Create a new secret (az ad app credential reset --id <client-id>) and set it.",
    source:
      "github.com/Azure/sap-automation/issues/418 (401 invalid_client, body); Azure/azure-sdk-for-python sdk/identity/azure-identity/TROUBLESHOOTING.md (AADSTS7000215)",
    evidence: "observed",
    sample: {
      kind: "http",
      status: 401,
      headers: { "content-type": "application/json; charset=utf-8" },
      body:
        '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, ' +
        "not the client secret ID, for a secret added to app '4d856d1f-8648-456c-9bb2-f36273bbe4e3'.\\r\\nTrace ID: 6bad8289-db4a-49da-8609-0848d8d71700\\r\\n" +
        'Correlation ID: 63b8bb61-5ca6-4ae3-8224-15a4de11cd87\\r\\nTimestamp: 2023-02-20 07:21:29Z","error_codes":[7000215],"timestamp":"2023-02-20 07:21:29Z",' +
        '"trace_id":"6bad8289-db4a-49da-8609-0848d8d71700","correlation_id":"63b8bb61-5ca6-4ae3-8224-15a4de11cd87","error_uri":"https://login.microsoftonline.com/error?code=7000215"}',
    },
  },
  {
    id: "identity-secret-refused",
    scenario: "The identity endpoint refused the secret header: IDENTITY_HEADER (or MSI_SECRET) does not belong to this endpoint",
    // Not an answer that carries an AADSTS code: that one comes from Microsoft Entra ID (through a credential that
    // talks to it, or passed through by the endpoint), and its own row, or the status class, says what it means.
    match: { origin: "identity", status: [401, 403], text: /^(?![\s\S]*AADSTS\d)/ },
    category: "misconfigured",
    remediation:
      "The identity endpoint refused the identity header ({status}): IDENTITY_ENDPOINT and IDENTITY_HEADER are set by the platform and belong together. " +
      "Do not set them in app settings; restart the app so the platform sets them again.",
    source:
      "github.com/AzureAD/microsoft-authentication-library-for-dotnet/issues/5077 (Container Apps: 403, empty body, no header sent); " +
      "github.com/Azure/azure-sdk-for-js/issues/11595 (App Service: 401)",
    evidence: "observed",
    sample: { kind: "http", status: 403, headers: { server: "Kestrel" }, body: "" },
  },
  {
    id: "identity-answer-not-a-token",
    scenario: "The identity endpoint answered 200 with something that is not a token response",
    // identity-4.14: a 200 that is not JSON becomes `unknown_error` "An unknown error occured.\nHttp status code: 200".
    match: { origin: "identity", status: [200] },
    category: "endpoint-error",
    remediation: notATokenRemediation,
    source: "identity-4.14 (client/identityClient.js parseResponseBody)",
    evidence: "sdk",
    sample: { kind: "http", status: 200, headers: { "content-type": "text/html" }, body: "<html><body>Sign in to continue</body></html>" },
  },
  {
    id: "identity-answer-without-token",
    scenario: "The identity endpoint answered 200 with JSON that holds no token",
    // identity-4.14 ensureValidMsalToken: MSAL built no token from the answer.
    match: { origin: "identity", text: /Response had no "expiresOn" property|Response had no "accessToken" property/ },
    category: "endpoint-error",
    remediation: notATokenRemediation,
    source: "identity-4.14 (credentials/managedIdentityCredential/index.js ensureValidMsalToken)",
    evidence: "sdk",
  },
  {
    id: "token-for-another-audience",
    scenario: "The identity endpoint handed out a token for another audience than the one asked for",
    match: { origin: "identity", code: /^TokenAudienceMismatch$/ },
    category: "audience-invalid",
    remediation:
      "The identity endpoint issued a token for another audience than {audience}: the endpoint, or a proxy in front of it, misbehaves. " +
      "The token was dropped and the next report asks for a new one; if it persists, restart the app and report it.",
    source: "identity-probe's own check of the token's aud claim (src/identity/tokenCheck.ts)",
    evidence: "app",
  },
  {
    id: "token-already-expired",
    scenario: "The identity endpoint handed out a token that has already expired",
    match: { origin: "identity", code: /^TokenExpired$/ },
    category: "endpoint-error",
    remediation:
      "The identity endpoint handed out a token that has already expired: this machine's clock is wrong, or the endpoint serves a stale token. " +
      "The token was dropped and the next report asks for a new one; check the clock (timedatectl) if it persists.",
    source: "identity-probe's own check of expires_on (src/identity/tokenCheck.ts)",
    evidence: "app",
  },
  {
    id: "imds-no-connection",
    scenario: "Plain IMDS (169.254.169.254): nothing accepted the connection within the raw check's connect deadline",
    match: { origin: "identity", code: /^IdentityEndpointConnectTimeout$/ },
    category: "identity-unavailable",
    remediation:
      "Nothing accepted a connection at 169.254.169.254 within a second: this machine is not an Azure VM with a managed identity " +
      "(a developer machine, a build agent elsewhere), or a firewall drops link-local traffic. On an Azure VM, assign an identity " +
      "(az vm identity assign); elsewhere, sign in (az login) and DefaultAzureCredential answers with your own sign-in.",
    source:
      "identity-probe's own connect deadline on plain IMDS (src/identity/identityEndpointCheck.ts), as @azure/identity 4.14.1's IMDS probe " +
      "(credentials/managedIdentityCredential/imdsMsi.js: a 1 s timeout, after which \"we'll assume the IMDS endpoint isn't available\")",
    evidence: "app",
  },
  {
    id: "identity-endpoint-unreachable",
    scenario: "Nothing answers where the identity endpoint should be: no managed identity here, or it is not enabled",
    match: { origin: "identity", code: /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|network_error)$/ },
    category: "identity-unavailable",
    remediation:
      "No managed identity endpoint answered for {identity}: enable the system-assigned identity (az functionapp identity assign) " +
      "or attach a user-assigned identity and set AZURE_CLIENT_ID. Outside Azure there is none: run npm start for the local one.",
    source:
      'github.com/Azure/azure-sdk-for-net/issues/16140 ("No Managed Identity endpoint found"); github.com/dotnet/sign/issues/1032; ' +
      'identity-4.14 ("Network unreachable. Message: network_error")',
    evidence: "observed",
    sample: { kind: "transport", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" },
  },
];

/** Failures below HTTP reaching a resource, with Node's own codes and wording (Node 20, OpenSSL 3). */
export const transportSignatures: readonly FailureSignature[] = [
  {
    id: "dns-name-not-found",
    scenario: "The resource's host name does not resolve: no such account or service, or DNS",
    match: { origin: "resource", code: /^(ENOTFOUND|EAI_AGAIN)$/ },
    category: "network",
    remediation:
      "{endpoint} does not resolve ({code}): check that {endpointSetting} names a {resource} that exists, and that DNS (or a private DNS zone) resolves it from here.",
    source: "github.com/microsoft/AzureStorageExplorer/issues/9138; github.com/Azure/azure-sdk-for-js/issues/4830; Node getaddrinfo",
    evidence: "observed",
    sample: { kind: "transport", code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND identityprobenosuchacct.blob.core.windows.net" },
  },
  {
    id: "connection-refused",
    scenario: "The resource's endpoint refuses the connection",
    match: { origin: "resource", code: /^ECONNREFUSED$/ },
    category: "network",
    remediation:
      "{endpoint} refused the connection (ECONNREFUSED): the endpoint or port in {endpointSetting} is wrong, or the service is down.",
    source: 'Node net ("connect ECONNREFUSED <address>"), reproduced through @azure/core-rest-pipeline 1.25',
    evidence: "observed",
    sample: { kind: "transport", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" },
  },
  {
    id: "tls-untrusted-chain",
    scenario: "TLS: a private root in the chain (a TLS-inspecting proxy)",
    match: {
      origin: "resource",
      code: /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|CERT_HAS_EXPIRED)$/,
    },
    category: "network",
    remediation:
      "The certificate chain of {endpoint} is not trusted ({code}): a TLS-inspecting proxy is in the way. Trust its CA with NODE_EXTRA_CA_CERTS, or bypass the proxy for this host.",
    source:
      'github.com/microsoft/AzureStorageExplorer/issues/3826, #5893, #6477; OpenSSL 3 x509_txt.c ("self-signed certificate in certificate chain")',
    evidence: "observed",
    sample: { kind: "transport", code: "SELF_SIGNED_CERT_IN_CHAIN", message: "self-signed certificate in certificate chain" },
  },
  {
    id: "tls-name-mismatch",
    scenario: "TLS: the certificate is for another host name",
    match: { origin: "resource", code: /^ERR_TLS_CERT_ALTNAME_INVALID$/ },
    category: "network",
    remediation:
      "The certificate of {endpoint} is for another host name ({code}): {endpointSetting} names a host the service does not serve, or something else answers there.",
    source: 'Node tls.checkServerIdentity ("Hostname/IP does not match certificate\'s altnames")',
    evidence: "observed",
    sample: {
      kind: "transport",
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
      message:
        "Hostname/IP does not match certificate's altnames: Host: probe.blob.core.windows.net. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1",
    },
  },
  {
    id: "connection-reset",
    scenario: "The connection to the resource was reset or closed early",
    match: {
      origin: "resource",
      code: /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|EHOSTUNREACH|ENETUNREACH|REQUEST_SEND_ERROR)$/,
    },
    category: "network",
    remediation:
      "The connection to {endpoint} failed ({code}): a firewall, private endpoint rule or proxy between here and the service closes it.",
    source: "Node net/tls error codes, as @azure/core-rest-pipeline passes them on (RestError.code)",
    evidence: "observed",
  },
];
