// What an ARM request path names: a scope (tenant, subscription, resource group or a resource in one) and the
// Microsoft.Authorization collection or item under it, or the subscription's resource groups. Keywords compare
// without regard to case, as ARM's do (the SDKs send `resourcegroups` and `resourceGroups` alike); empty segments
// are skipped, as ARM skips them (the SDKs send `//subscriptions/…` for a scope given with its leading slash, and
// `Microsoft.Storage//storageAccounts` for an empty parent path). The raw path is parsed here, never a URL
// normalized by someone else, so `..` cannot climb out of a scope.
import { statusOnly } from "./armError.js";

export type ArmScope =
  | { readonly kind: "tenant" }
  | { readonly kind: "subscription"; readonly subscriptionId: string }
  | { readonly kind: "resourceGroup"; readonly subscriptionId: string; readonly resourceGroup: string }
  | {
      readonly kind: "resource";
      readonly subscriptionId: string;
      readonly resourceGroup: string;
      /** `{namespace}/{type}/{name}[/{type}/{name}…]`. */
      readonly resourcePath: string;
    };

export type AuthorizationCollection = "permissions" | "roleAssignments" | "roleDefinitions";

export type ArmTarget =
  | { readonly kind: "resourceGroups"; readonly subscriptionId: string }
  | { readonly kind: AuthorizationCollection; readonly scope: ArmScope; readonly name: string | undefined };

const collections: readonly AuthorizationCollection[] = ["permissions", "roleAssignments", "roleDefinitions"];
const maxSegments = 32;

function same(segment: string | undefined, keyword: string): boolean {
  return segment !== undefined && segment.toLowerCase() === keyword.toLowerCase();
}

function decodeSegments(rawPath: string): string[] {
  const raw = rawPath.split("/").filter((segment) => segment !== "");
  if (raw.length > maxSegments) throw statusOnly(404, "NoRoute", `The path has ${raw.length} segments; no emulated route has more than ${maxSegments}.`);
  return raw.map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw statusOnly(400, "InvalidUri", "A path segment is not correctly percent-encoded.");
    }
    // An encoded slash or backslash would let one segment stand for several; dot segments would climb scopes.
    const hasControlCharacter = [...decoded].some((character) => (character.codePointAt(0) ?? 0) < 0x20 || character === "\u007f");
    if (/[/\\]/.test(decoded) || decoded === "." || decoded === ".." || hasControlCharacter)
      throw statusOnly(400, "InvalidUri", "A path segment holds a slash, a backslash, a control character or is a dot segment.");
    return decoded;
  });
}

function parseScope(segments: readonly string[]): ArmScope | undefined {
  if (segments.length === 0) return { kind: "tenant" };
  const [first, subscriptionId, groups, resourceGroup, providers, ...resource] = segments;
  if (!same(first, "subscriptions") || subscriptionId === undefined) return undefined;
  if (segments.length === 2) return { kind: "subscription", subscriptionId };
  if (!same(groups, "resourceGroups") || resourceGroup === undefined) return undefined;
  if (segments.length === 4) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  // A resource: providers/{namespace}/{type}/{name}, then {type}/{name} pairs for child resources.
  if (!same(providers, "providers") || resource.length < 3 || resource.length % 2 === 0) return undefined;
  if (resource.some((segment) => same(segment, "providers"))) return undefined;
  return { kind: "resource", subscriptionId, resourceGroup, resourcePath: resource.join("/") };
}

/** The target of a request path (raw, still percent-encoded); a thrown status-only 400/404 when it names none. */
export function parseArmRequestPath(rawPath: string): ArmTarget {
  const segments = decodeSegments(rawPath);
  const noRoute = () => statusOnly(404, "NoRoute", "The path names no emulated ARM operation.");

  // ResourceGroups_List: GET /subscriptions/{subscriptionId}/resourcegroups.
  if (segments.length === 3 && same(segments[0], "subscriptions") && same(segments[2], "resourceGroups"))
    return { kind: "resourceGroups", subscriptionId: segments[1] ?? "" };

  // {scope}/providers/Microsoft.Authorization/{collection}[/{name}].
  for (const tail of [3, 4]) {
    const at = segments.length - tail;
    if (at < 0 || !same(segments[at], "providers") || !same(segments[at + 1], "Microsoft.Authorization")) continue;
    const collection = collections.find((candidate) => same(segments[at + 2], candidate));
    if (!collection) continue;
    const scope = parseScope(segments.slice(0, at));
    if (!scope) throw noRoute();
    return { kind: collection, scope, name: tail === 4 ? segments[at + 3] : undefined };
  }
  throw noRoute();
}

/** The scope as ARM writes it in IDs: keywords in their canonical case, names as the caller wrote them. */
export function scopeId(scope: ArmScope): string {
  switch (scope.kind) {
    case "tenant":
      return "/";
    case "subscription":
      return `/subscriptions/${scope.subscriptionId}`;
    case "resourceGroup":
      return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
    case "resource":
      return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/${scope.resourcePath}`;
  }
}

/** `{scope}/providers/Microsoft.Authorization/…` without a double slash at the tenant scope. */
export function underScope(scope: ArmScope, suffix: string): string {
  return scope.kind === "tenant" ? suffix : `${scopeId(scope)}${suffix}`;
}
