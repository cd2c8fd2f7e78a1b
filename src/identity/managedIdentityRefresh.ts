// Asks the managed identity endpoint for a new token, past the token cache. msal-node keeps managed identity
// tokens in one cache for the whole process (ManagedIdentityApplication.nodeStorage is static), and
// @azure/identity 4.14 asks it with nothing but the resource, so a token that fails its own checks would be
// served again until it expires, whatever credential object asks. msal-node's public acquireToken takes
// `forceRefresh`: the new token goes to the same cache, where @azure/identity then finds it.
import type { AccessToken } from "@azure/core-auth";
import { ManagedIdentityApplication } from "@azure/msal-node";
import { audienceOfScope } from "./tokenCheck.js";

export async function forceManagedIdentityToken(clientId: string | undefined, scope: string): Promise<AccessToken> {
  const app = new ManagedIdentityApplication({
    managedIdentityIdParams: clientId ? { userAssignedClientId: clientId } : {},
    // One try: the caller reports a failure on time and asks again on the next report.
    system: { disableInternalRetries: true },
  });
  const result = await app.acquireToken({ resource: audienceOfScope(scope), forceRefresh: true });
  // The same check and words as @azure/identity's ensureValidMsalToken.
  if (!result.expiresOn) throw new Error('Response had no "expiresOn" property.');
  return { token: result.accessToken, expiresOnTimestamp: result.expiresOn.getTime(), tokenType: "Bearer" };
}
