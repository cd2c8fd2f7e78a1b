// The identities the local managed identity endpoint knows. Fixed IDs so that role tables, docs and tests
// can name them; they are not Azure IDs and grant nothing outside this machine.

export interface LocalIdentity {
  /** `system` for the system-assigned identity, otherwise a label for a user-assigned one. */
  readonly name: string;
  readonly kind: "system" | "user";
  readonly clientId: string;
  readonly objectId: string;
  /** ARM resource ID (the `xms_mirid` claim, the `mi_res_id` selector). */
  readonly resourceId: string;
}

export const localTenantId = "72f988bf-0000-4000-8000-1d0ca1ba1000";
export const localSubscriptionId = "00000000-1d00-4000-8000-000000000001";
export const localResourceGroup = "identity-probe-local";

export const localSystemIdentity: LocalIdentity = {
  name: "system",
  kind: "system",
  clientId: "5e0c1d00-0000-4000-8000-00000000a001",
  objectId: "5e0c1d00-0000-4000-8000-00000000b001",
  resourceId: `/subscriptions/${localSubscriptionId}/resourcegroups/${localResourceGroup}/providers/Microsoft.Web/sites/identity-probe-local`,
};

export const localUserIdentity: LocalIdentity = {
  name: "identity-probe-uami",
  kind: "user",
  clientId: "5e0c1d00-0000-4000-8000-00000000a002",
  objectId: "5e0c1d00-0000-4000-8000-00000000b002",
  resourceId: `/subscriptions/${localSubscriptionId}/resourcegroups/${localResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity-probe-uami`,
};

/**
 * A user-assigned identity that exists and gets tokens but holds no role anywhere in the local stack:
 * the "role missing" case (403 → `forbidden`) without changing any role table.
 */
export const localUnprivilegedIdentity: LocalIdentity = {
  name: "identity-probe-norole",
  kind: "user",
  clientId: "5e0c1d00-0000-4000-8000-00000000a003",
  objectId: "5e0c1d00-0000-4000-8000-00000000b003",
  resourceId: `/subscriptions/${localSubscriptionId}/resourcegroups/${localResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity-probe-norole`,
};

/**
 * Who deployed the local stack: Owner of its subscription in the role table, so that it may assign and remove
 * roles through the ARM emulator (`npm run roles`). Never probed.
 */
export const localOperatorIdentity: LocalIdentity = {
  name: "identity-probe-operator",
  kind: "user",
  clientId: "5e0c1d00-0000-4000-8000-00000000a004",
  objectId: "5e0c1d00-0000-4000-8000-00000000b004",
  resourceId: `/subscriptions/${localSubscriptionId}/resourcegroups/${localResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity-probe-operator`,
};

export const defaultLocalIdentities: readonly LocalIdentity[] = [localSystemIdentity, localUserIdentity, localUnprivilegedIdentity, localOperatorIdentity];

/** Principals that hold the data-plane roles in the local emulators' role tables by default. */
export const defaultPrivilegedObjectIds: readonly string[] = [localSystemIdentity.objectId, localUserIdentity.objectId];

/**
 * The identities an app may probe (the defaults but the operator) and more user-assigned ones, `count` in all
 * (at least those): for tests and the bench that probe many identities at once.
 */
export function localIdentitiesForScale(count: number): LocalIdentity[] {
  // The operator deploys; it is never one of the identities an app probes.
  const probed = defaultLocalIdentities.filter((identity) => identity !== localOperatorIdentity);
  const extra = Array.from({ length: Math.max(0, count - probed.length) }, (_, index): LocalIdentity => {
    const number = String(index + 4).padStart(3, "0");
    return {
      name: `identity-probe-uami-${number}`,
      kind: "user",
      clientId: `5e0c1d00-0000-4000-8000-000000000${number}`,
      objectId: `5e0c1d00-0000-4000-8000-000000001${number}`,
      resourceId: `/subscriptions/${localSubscriptionId}/resourcegroups/${localResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity-probe-uami-${number}`,
    };
  });
  return [...probed, ...extra];
}

/**
 * Six real Azure audiences beyond the app's four (storage, Web PubSub, Quantum, Resource Manager): ten in all,
 * for tests and the bench that probe many audiences at once.
 */
export const scaleAudiences: readonly string[] = [
  "https://vault.azure.net",
  "https://graph.microsoft.com",
  "https://database.windows.net",
  "https://eventhubs.azure.net",
  "https://servicebus.azure.net",
  "https://ossrdbms-aad.database.windows.net",
];
