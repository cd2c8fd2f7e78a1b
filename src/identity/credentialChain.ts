// DefaultAzureCredential's chain, built here over the same credentials in the same order with the same
// options, so that the report can say which credential answered. @azure/identity 4.14 keeps that to itself:
// ChainedTokenCredential's getTokenInternal (which returns the successful credential) is private, and only an
// info log line names it (identity-sdk.md §4). The rules followed, from @azure/identity 4.14.1
// credentials/defaultAzureCredential.js and defaultAzureCredentialFunctions.js:
// - order: EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, then the developer
//   credentials VisualStudioCodeCredential, AzureCliCredential, AzurePowerShellCredential,
//   AzureDeveloperCliCredential. The chain's last, BrokerCredential, is not exported and needs the
//   @azure/identity-broker plugin, which this app does not install: in DefaultAzureCredential it is then
//   skipped without an error (its constructor throws and it becomes an UnavailableDefaultCredential), so the
//   chain without it answers and fails the same;
// - AZURE_TOKEN_CREDENTIALS: `prod`, `dev` or one credential's name (case-insensitive) narrows the chain, and
//   `ManagedIdentityCredential` alone sends no IMDS probe; any other value is refused with the SDK's words;
// - a credential whose constructor throws is skipped (it would answer null, and is not among the failures);
// - the chain moves on after CredentialUnavailableError or AuthenticationRequiredError, stops at any other
//   error, and when none answered throws AggregateAuthenticationError with every failure, in order
//   (chainedTokenCredential.js).
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  AggregateAuthenticationError,
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  CredentialUnavailableError,
  EnvironmentCredential,
  ManagedIdentityCredential,
  VisualStudioCodeCredential,
  WorkloadIdentityCredential,
  type TokenCredentialOptions,
} from "@azure/identity";

/** One credential's failure in a chain that did not answer. */
export interface ChainFailure {
  /** The credential, as the SDK names its class: `AzureCliCredential`. */
  readonly credential: string;
  /** The error's name: `CredentialUnavailableError`. */
  readonly error: string;
  readonly message: string;
}

export interface ChainOutcome {
  /** The credential that answered the last token request that was answered. */
  readonly answeredBy: string | undefined;
  /** The failures of the last token request that none answered, in the chain's order. */
  readonly failures: readonly ChainFailure[] | undefined;
  /** Which of the two is the newer. */
  readonly last: "answered" | "failed" | undefined;
}

export interface CredentialChain extends TokenCredential {
  /** The credentials in the chain, in order. */
  readonly names: readonly string[];
  outcome(): ChainOutcome;
}

export interface DefaultChainOptions {
  /** AZURE_TOKEN_CREDENTIALS as set. */
  readonly tokenCredentials: string | undefined;
  /** The app's user-assigned identity (AZURE_CLIENT_ID, as DefaultAzureCredential reads it). */
  readonly managedIdentityClientId: string | undefined;
  /** AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE: workload identity. */
  readonly tenantId: string | undefined;
  readonly federatedTokenFile: string | undefined;
  /** Options of the managed identity credential (its HTTP client waits at the identity endpoint's gate). */
  readonly managedIdentityOptions: TokenCredentialOptions;
  /** Options of every other credential. */
  readonly options: TokenCredentialOptions;
}

const validCredentialNames =
  "EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, VisualStudioCodeCredential, AzureCliCredential, AzurePowerShellCredential, AzureDeveloperCliCredential";

type Factory = readonly [name: string, create: () => TokenCredential];

/** The chain's credentials for the settings, as DefaultAzureCredential would build them. */
function factoriesFor(settings: DefaultChainOptions): Factory[] {
  const { options, managedIdentityClientId: clientId, tenantId, federatedTokenFile } = settings;
  const managedIdentity = (sendProbeRequest: boolean): Factory => [
    "ManagedIdentityCredential",
    () => {
      // `sendProbeRequest` is @internal in 4.14's types; DefaultAzureCredential passes it the same way.
      const miOptions = { ...settings.managedIdentityOptions, sendProbeRequest };
      // createDefaultManagedIdentityCredential: the client ID (with a federated token file, the credential
      // exchanges it itself: tokenExchangeMsi reads AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE).
      return new ManagedIdentityCredential({ ...miOptions, ...(clientId ? { clientId } : {}) });
    },
  ];
  const environment: Factory = ["EnvironmentCredential", () => new EnvironmentCredential(options)];
  const workload: Factory = [
    "WorkloadIdentityCredential",
    () =>
      // createDefaultWorkloadIdentityCredential
      federatedTokenFile && clientId
        ? new WorkloadIdentityCredential({ ...options, tenantId, clientId, tokenFilePath: federatedTokenFile })
        : new WorkloadIdentityCredential({ ...options, ...(tenantId ? { tenantId } : {}) }),
  ];
  const developer: Factory[] = [
    ["VisualStudioCodeCredential", () => new VisualStudioCodeCredential(options)],
    ["AzureCliCredential", () => new AzureCliCredential(options)],
    ["AzurePowerShellCredential", () => new AzurePowerShellCredential(options)],
    ["AzureDeveloperCliCredential", () => new AzureDeveloperCliCredential(options)],
  ];
  const selected = settings.tokenCredentials?.trim().toLowerCase();
  if (!selected) return [environment, workload, managedIdentity(true), ...developer];
  if (selected === "prod") return [environment, workload, managedIdentity(true)];
  if (selected === "dev") return developer;
  // ManagedIdentityCredential alone: no probe, "consistent when used standalone" (defaultAzureCredential.js).
  if (selected === "managedidentitycredential") return [managedIdentity(false)];
  const single = [environment, workload, ...developer].find(([name]) => name.toLowerCase() === selected);
  if (single) return [single];
  // DefaultAzureCredential's own words for a value it does not know.
  throw new Error(
    `Invalid value for AZURE_TOKEN_CREDENTIALS = ${settings.tokenCredentials}. Valid values are 'prod' or 'dev' or any of these credentials - ${validCredentialNames}.`,
  );
}

function describeFailure(credential: string, error: unknown): ChainFailure {
  const named = error instanceof Error ? error : new Error(String(error));
  return { credential, error: named.name, message: named.message };
}

/** DefaultAzureCredential's chain for these settings; throws what its constructor throws for a bad AZURE_TOKEN_CREDENTIALS. */
export function createDefaultCredentialChain(settings: DefaultChainOptions): CredentialChain {
  const links: { readonly name: string; readonly credential: TokenCredential }[] = [];
  for (const [name, create] of factoriesFor(settings)) {
    try {
      links.push({ name, credential: create() });
    } catch {
      // DefaultAzureCredential: "Skipped … because of an error creating the credential"; it answers null.
    }
  }
  let answeredBy: string | undefined;
  let failures: readonly ChainFailure[] | undefined;
  let last: ChainOutcome["last"];

  return {
    names: links.map((link) => link.name),
    outcome: () => ({ answeredBy, failures, last }),
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const errors: unknown[] = [];
      const failed: ChainFailure[] = [];
      for (const link of links) {
        let token: AccessToken | null;
        try {
          token = await link.credential.getToken(scopes, options);
        } catch (error) {
          const name = error instanceof Error ? error.name : "";
          failed.push(describeFailure(link.name, error));
          if (name !== "CredentialUnavailableError" && name !== "AuthenticationRequiredError") {
            failures = failed;
            last = "failed";
            throw error;
          }
          errors.push(error);
          continue;
        }
        if (token) {
          answeredBy = link.name;
          last = "answered";
          return token;
        }
      }
      failures = failed;
      last = "failed";
      if (errors.length > 0) throw new AggregateAuthenticationError(errors, "ChainedTokenCredential authentication failed.");
      throw new CredentialUnavailableError("Failed to retrieve a valid token");
    },
  };
}
