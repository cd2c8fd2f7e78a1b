// Which RBAC permission a Blob REST request needs, and at which scope, as each operation's page in learn's
// Blob Service REST reference lists it under "Authorization → Permissions" (e.g. List Blobs:
// `…/containers/blobs/read`, least privileged built-in role Storage Blob Data Reader; Put Blob: `…/blobs/write`
// or `…/blobs/add/action`; Delete Blob: `…/blobs/delete`; Create Container: `…/containers/write`; Get Container
// Properties: `…/containers/read`; Get User Delegation Key: `…/generateUserDelegationKey/action`). The container
// permissions are *actions* in the role definitions (Storage Blob Data Reader lists `…/containers/read` under
// actions), which is why a control-plane Reader (`*/read`) gets a container's properties but lists no blob.

const blobServices = "Microsoft.Storage/storageAccounts/blobServices";
const containers = `${blobServices}/containers`;
const blobs = `${containers}/blobs`;

export interface BlobPermission {
  /** Any one of these grants the request. */
  readonly anyOf: readonly string[];
  /** Whether the role definitions list them as actions (container operations) or data actions (blob data). */
  readonly kind: "action" | "dataAction";
  /** The ARM scope the request is on: the account, or one of its containers. */
  readonly scope: string;
}

/** A request path below the account (`/container/blob…`, already without the account segment) and its query. */
export function blobPermission(method: string, pathBelowAccount: string, query: URLSearchParams, accountId: string): BlobPermission {
  const [containerSegment = "", ...blobSegments] = pathBelowAccount.replace(/^\/+/, "").split("/");
  const container = safeDecode(containerSegment);
  const restype = query.get("restype")?.toLowerCase();
  const comp = query.get("comp")?.toLowerCase();
  const verb = method.toUpperCase();
  const accountScope = accountId;
  const containerScope = `${accountId}/blobServices/default/containers/${container}`;

  if (container === "") {
    // Operations on the account: List Containers reads containers; Get User Delegation Key is its own action.
    if (comp === "userdelegationkey") return { anyOf: [`${blobServices}/generateUserDelegationKey/action`], kind: "action", scope: accountScope };
    return { anyOf: [`${containers}/read`], kind: "action", scope: accountScope };
  }
  if (blobSegments.length === 0 || blobSegments.every((segment) => segment === "")) {
    if (comp === "list") return { anyOf: [`${blobs}/read`], kind: "dataAction", scope: containerScope };
    if (restype === "container") {
      if (verb === "PUT") return { anyOf: [`${containers}/write`], kind: "action", scope: containerScope };
      if (verb === "DELETE") return { anyOf: [`${containers}/delete`], kind: "action", scope: containerScope };
      return { anyOf: [`${containers}/read`], kind: "action", scope: containerScope };
    }
  }
  if (verb === "GET" || verb === "HEAD") return { anyOf: [`${blobs}/read`], kind: "dataAction", scope: containerScope };
  if (verb === "DELETE") return { anyOf: [`${blobs}/delete`], kind: "dataAction", scope: containerScope };
  return { anyOf: [`${blobs}/write`, `${blobs}/add/action`], kind: "dataAction", scope: containerScope };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
