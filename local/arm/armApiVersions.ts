// The api-versions each emulated resource type accepts. ARM refuses others with InvalidApiVersionParameter, listing
// the versions the type supports (armErrors.ts); these lists are short on purpose — the versions whose shapes the
// emulator implements — and each version is a real one.
import { invalidApiVersion, missingApiVersion } from "./armErrors.js";

/**
 * Microsoft.Resources resourceGroups, from ARM's own list as a 2026 capture of InvalidApiVersionParameter prints it
 * ('2026-06-01,2025-04-01,2025-03-01,2024-10-01-preview,2024-11-01,…,2021-04-01,…'): the stable versions since
 * 2021-04-01, over which ResourceGroups_List has kept one shape (specs Microsoft.Resources/resources readme).
 * @azure/arm-resources 8 sends 2025-04-01.
 */
export const resourceGroupsApiVersions: readonly string[] = ["2025-04-01", "2025-03-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01", "2021-04-01"];

/**
 * Microsoft.Authorization roleAssignments, roleDefinitions and permissions: 2022-04-01, the stable version whose
 * shapes the emulator implements (specs authorization readme, tag package-2022-04-01-only), and the one
 * @azure/arm-authorization 9 sends for all three. Which code ARM uses for another version on these types is not
 * in a public capture; InvalidApiVersionParameter is ARM's code for an api-version it does not serve.
 */
export const authorizationApiVersions: readonly string[] = ["2022-04-01"];

/** The request's api-version if `supported` lists it; otherwise a thrown 400 in ARM's words. */
export function checkApiVersion(query: URLSearchParams, supported: readonly string[]): string {
  const apiVersion = query.get("api-version");
  if (apiVersion === null || apiVersion === "") throw missingApiVersion();
  if (!supported.includes(apiVersion)) throw invalidApiVersion(apiVersion, supported);
  return apiVersion;
}
