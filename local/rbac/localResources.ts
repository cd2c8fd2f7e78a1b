// The local stack's Azure resources by ARM ID (what the role table's scopes name), and the roles a deployment
// of infra/main.bicep leaves in place (infra/README.md): each app identity holds the data role of each
// resource and Reader on the resource group; the operator (who deployed it) is Owner of the subscription.
import { localOperatorIdentity, localResourceGroup, localSubscriptionId, localSystemIdentity, localUserIdentity } from "../identity/localIdentities.js";
import { roleByName } from "./builtInRoles.js";
import type { RoleTable } from "./roleTable.js";

export const localSubscriptionScope = `/subscriptions/${localSubscriptionId}`;
export const localResourceGroupScope = `${localSubscriptionScope}/resourceGroups/${localResourceGroup}`;
export const localStorageAccountId = `${localResourceGroupScope}/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`;
export const localWebPubSubId = `${localResourceGroupScope}/providers/Microsoft.SignalRService/WebPubSub/identity-probe-local`;
export const localQuantumWorkspaceName = "identity-probe-local";

export function quantumWorkspaceId(workspaceName: string): string {
  return `${localResourceGroupScope}/providers/Microsoft.Quantum/Workspaces/${workspaceName}`;
}

type Initial = Parameters<RoleTable["assign"]>[0];

function grant(roleName: string, scope: string, principalId: string): Initial {
  const role = roleByName(roleName);
  if (!role) throw new Error(`no built-in role ${roleName}`);
  return { scope, roleDefinitionId: role.id, principalId, principalType: "ServicePrincipal" };
}

/** The assignments the stack starts with. */
export function defaultRoleAssignments(options: { quantumWorkspaceId?: string } = {}): Initial[] {
  const appIdentities = [localSystemIdentity, localUserIdentity];
  const workspace = options.quantumWorkspaceId ?? quantumWorkspaceId(localQuantumWorkspaceName);
  return [
    ...appIdentities.flatMap((identity) => [
      grant("Storage Blob Data Contributor", localStorageAccountId, identity.objectId),
      grant("Web PubSub Service Owner", localWebPubSubId, identity.objectId),
      grant("Quantum Workspace Data Contributor", workspace, identity.objectId),
      grant("Reader", localResourceGroupScope, identity.objectId),
    ]),
    grant("Owner", localSubscriptionScope, localOperatorIdentity.objectId),
  ];
}
