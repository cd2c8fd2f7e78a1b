// What Blob Storage answers when access fails, as the service words it. Bodies are `\uFEFF<?xml …><Error>`
// with the code repeated in `x-ms-error-code` and the message as the reason phrase (failure-signatures rows
// f–h; learn "Common REST API error codes" and "Troubleshoot 403 errors in Azure Blob Storage").
import type { FailureSample, FailureSignature } from "../shared/failureSignature.js";

/** A Storage error body as the service sends it: BOM, XML declaration, code, message with request ID and time. */
export function storageErrorSample(options: {
  status: number;
  code: string;
  message: string;
  detail?: string;
  headers?: Readonly<Record<string, string>>;
  /** The service puts a fresh request ID and time in every message; samples keep fixed ones. */
  requestId?: string;
  time?: Date;
}): FailureSample {
  const detail = options.detail ? `<AuthenticationErrorDetail>${options.detail}</AuthenticationErrorDetail>` : "";
  const requestId = options.requestId ?? "4f5ba7a6-701e-0063-7d0c-4e2ebe000000";
  // .NET's round-trip format, seven fractional digits, as in the captured bodies.
  const time = options.time ? `${options.time.toISOString().slice(0, -1)}0000Z` : "2026-11-23T12:00:00.0000000Z";
  return {
    kind: "http",
    status: options.status,
    headers: { "content-type": "application/xml", "x-ms-error-code": options.code, ...options.headers },
    body:
      `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${options.code}</Code><Message>${options.message}\n` +
      `RequestId:${requestId}\nTime:${time}</Message>${detail}</Error>`,
  };
}

const unauthenticated = "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.";
const challenge =
  "Bearer authorization_uri=https://login.microsoftonline.com/72f988bf-0000-4000-8000-1d0ca1ba1000/oauth2/authorize resource_id=https://storage.azure.com";

export const storageFailures: readonly FailureSignature[] = [
  {
    id: "storage-data-role-missing",
    scenario: "Blob Storage: the identity has no data role that allows the operation",
    match: { origin: "resource", status: [403], code: /^AuthorizationPermissionMismatch$/ },
    category: "forbidden",
    mayBePropagating: true,
    remediation:
      "{identity} holds no Blob data role on the account: a control-plane role (Reader, Contributor, Owner) is not enough. " +
      "Assign '{role}' to principal {principal} on {scope} (az role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal --role \"{role}\" --scope {scope}).",
    source:
      'github.com/microsoft/AzureStorageExplorer/issues/3767 (body, headers); github.com/Azure/kusto-copy/issues/79 (reason phrase); learn "Troubleshoot 403 errors in Azure Blob Storage"',
    evidence: "observed",
    sample: storageErrorSample({
      status: 403,
      code: "AuthorizationPermissionMismatch",
      message: "This request is not authorized to perform this operation using this permission.",
      headers: { server: "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0" },
    }),
  },
  {
    id: "storage-network-rules",
    scenario:
      "Blob Storage: the account's firewall, virtual-network rules, private endpoint or disabled public network access refuse this caller",
    match: { origin: "resource", status: [403], code: /^AuthorizationFailure$/ },
    category: "network",
    remediation:
      "The storage account's network rules refuse this caller (403 AuthorizationFailure) — not a missing role: allow this app's outbound addresses " +
      "or virtual network in the account's firewall, reach it through its private endpoint, or enable public network access (az storage account show " +
      "--ids {scope} --query networkRuleSet).",
    source:
      'github.com/microsoft/AzureStorageExplorer/issues/9150 and #8771 (headers, body); learn "Troubleshoot 403 errors in Azure Blob Storage" ' +
      "(public network access disabled, IP and virtual network rules, firewall: AuthorizationFailure); github.com/Azure/azure-storage-blob-go/issues/334",
    evidence: "observed",
    sample: storageErrorSample({
      status: 403,
      code: "AuthorizationFailure",
      message: "This request is not authorized to perform this operation.",
      headers: { server: "Microsoft-HTTPAPI/2.0", vary: "Origin" },
    }),
  },
  {
    id: "storage-token-audience",
    scenario: "Blob Storage: the token is for another audience",
    match: { origin: "resource", status: [401], code: /^InvalidAuthenticationInfo$/, detail: /Audience validation failed/ },
    category: "unauthorized",
    remediation:
      "Blob Storage rejected the token's audience: it accepts tokens for https://storage.azure.com. The token was issued for another resource, " +
      "so the credential was asked for the wrong scope or handed back a token cached for another audience.",
    source: "github.com/Azure/AzureStor/issues/119 (status, code, detail, WWW-Authenticate)",
    evidence: "observed",
    sample: storageErrorSample({
      status: 401,
      code: "InvalidAuthenticationInfo",
      message: unauthenticated,
      detail: "Audience validation failed. Audience did not match.",
      headers: { server: "Microsoft-HTTPAPI/2.0", "www-authenticate": challenge },
    }),
  },
  {
    id: "storage-token-issuer",
    scenario: "Blob Storage: the token comes from another tenant",
    match: { origin: "resource", status: [401], code: /^InvalidAuthenticationInfo$/, detail: /Issuer validation failed/ },
    category: "unauthorized",
    remediation:
      "Blob Storage rejected the token's issuer: {identity} belongs to another Microsoft Entra tenant than the storage account. " +
      "Use an identity of the account's tenant (a managed identity is always of its subscription's tenant).",
    source:
      "github.com/Azure/azure-sdk-for-java/issues/24926 (MSI, XML); github.com/microsoft/AzureStorageExplorer/issues/9050 (headers); azure-sdk-for-net#10529",
    evidence: "observed",
    sample: storageErrorSample({
      status: 401,
      code: "InvalidAuthenticationInfo",
      message: unauthenticated,
      detail: "Issuer validation failed. Issuer did not match.",
      headers: { server: "Microsoft-HTTPAPI/2.0", "www-authenticate": challenge },
    }),
  },
  {
    id: "storage-token-expired",
    scenario: "Blob Storage: the token has expired (a wrong clock, or a token kept past its lifetime)",
    match: { origin: "resource", status: [401], code: /^InvalidAuthenticationInfo$/, detail: /Lifetime validation failed/ },
    category: "unauthorized",
    remediation:
      "Blob Storage says the token has expired: not an audience or tenant problem. Either this machine's clock is wrong, or a token was used after " +
      "its lifetime; a token that fails its own checks is dropped and fetched again on the next report.",
    source: "github.com/Azure/azure-sdk-for-net/issues/42859; github.com/Azure/azure-sdk-for-js/issues/6643 (ManagedIdentityCredential)",
    evidence: "observed",
    sample: storageErrorSample({
      status: 401,
      code: "InvalidAuthenticationInfo",
      message: unauthenticated,
      detail: "Lifetime validation failed. The token is expired.",
      headers: { server: "Microsoft-HTTPAPI/2.0", "www-authenticate": challenge },
    }),
  },
  {
    id: "storage-no-token",
    scenario: "Blob Storage: the request carried no token",
    match: { origin: "resource", status: [401], code: /^NoAuthenticationInformation$/ },
    category: "unauthorized",
    remediation:
      "Blob Storage received no token: the request was sent without credentials. This is a bug in how the client was built; report it.",
    source: 'learn "Common REST API error codes" (401 NoAuthenticationInformation)',
    evidence: "documented",
    sample: storageErrorSample({
      status: 401,
      code: "NoAuthenticationInformation",
      message: unauthenticated,
      headers: { "www-authenticate": challenge },
    }),
  },
  {
    id: "storage-account-disabled",
    scenario: "Blob Storage: the account (or its subscription) is disabled",
    match: { origin: "resource", status: [403], code: /^AccountIsDisabled$/ },
    category: "misconfigured",
    remediation: "The storage account is disabled: re-enable it or its subscription, or point {endpointSetting} at an active account.",
    source: 'learn "Common REST API error codes" (403 AccountIsDisabled); learn "Troubleshoot 403 errors" (disabled accounts)',
    evidence: "documented",
    sample: storageErrorSample({ status: 403, code: "AccountIsDisabled", message: "The specified account is disabled." }),
  },
  {
    id: "storage-server-busy",
    scenario: "Blob Storage is throttling or busy",
    match: { origin: "resource", status: [503], code: /^ServerBusy$/ },
    category: "endpoint-error",
    isTransient: true,
    remediation: "Blob Storage is busy or throttling this account (503 ServerBusy): a scalability target was reached. {retry}",
    source:
      'github.com/tikv/tikv/issues/11812 (status, body); microsoft/vscode-azurestorage#502; learn "Common REST API error codes" (ServerBusy)',
    evidence: "observed",
    sample: storageErrorSample({ status: 503, code: "ServerBusy", message: "The server is busy." }),
  },
  {
    id: "storage-internal-error",
    scenario: "Blob Storage failed on its side",
    match: { origin: "resource", status: [500], code: /^(InternalError|OperationTimedOut)$/ },
    category: "endpoint-error",
    isTransient: true,
    remediation: "Blob Storage failed on its side ({code}). {retry} If it persists, check Azure status for {endpoint}.",
    source: 'learn "Common REST API error codes" (500 InternalError, OperationTimedOut)',
    evidence: "documented",
    sample: storageErrorSample({
      status: 500,
      code: "InternalError",
      message: "The server encountered an internal error. Please retry the request.",
    }),
  },
];
