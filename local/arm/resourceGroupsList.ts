// ResourceGroups_List (Microsoft.Resources ResourceGroup.tsp: GET /subscriptions/{subscriptionId}/resourcegroups,
// `$filter` on tags, `$top` "The number of results to return"): the groups the caller may read. Like ARM, a caller
// who may read some groups but not the subscription sees those groups; one who may read none is refused with
// AuthorizationFailed over the subscription for `…/resourcegroups/read` — the action as ARM echoes it here (the
// lower-case segment of the path).
import { statusOnly } from "./armError.js";
import { authorizationFailed } from "./armErrors.js";
import type { ArmResult, ArmRouteContext } from "./armRouteContext.js";

const readAction = "Microsoft.Resources/subscriptions/resourceGroups/read";
const actionInMessage = "Microsoft.Resources/subscriptions/resourcegroups/read";

/** `$filter=tagName eq 'a' [and tagValue eq 'b']`, the spec's only filter: no local group has tags. */
const tagFilter = /^tagName eq '[^']{1,512}'( and tagValue eq '[^']{0,256}')?$/;

function parseTop(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) throw statusOnly(400, "InvalidTop", "$top must be a whole number from 1.");
  return Number(value);
}

export function listResourceGroups(context: ArmRouteContext): ArmResult {
  const top = parseTop(context.query.get("$top"));
  const filter = context.query.get("$filter");
  if (filter !== null && !tagFilter.test(filter)) throw statusOnly(400, "InvalidFilter", "Only tagName/tagValue filters are defined for resource groups.");

  const subscriptionScope = `/subscriptions/${context.subscriptionId}`;
  const oid = context.caller.objectId;
  const readable = context.resourceGroups.filter((group) =>
    context.roles.allowsOnArm(oid, `${subscriptionScope}/resourceGroups/${group.name}`, readAction),
  );
  if (readable.length === 0 && !context.roles.allowsOnArm(oid, subscriptionScope, readAction))
    throw authorizationFailed(oid, actionInMessage, subscriptionScope);

  const listed = filter === null ? readable : [];
  return {
    status: 200,
    body: {
      value: listed.slice(0, top).map((group) => ({
        id: `${subscriptionScope}/resourceGroups/${group.name}`,
        name: group.name,
        type: "Microsoft.Resources/resourceGroups",
        location: group.location,
        properties: { provisioningState: "Succeeded" },
      })),
    },
  };
}
