// Name rules of the data-plane spec (webpubsub.2024-12-01.json), checked the way the service checks its
// path parameters. The app has its own copy in src/services/webpubsub/webPubSubNames.ts: local/ and src/
// never import each other, and these regexes are the spec's, so the duplication is deliberate.
import { ServiceError } from "./serviceError.js";

/** spec: parameter `hub`, every operation. */
export const hubNamePattern = /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/;
/** spec: parameter `group` — 1..1024 characters, not only whitespace (`.` excludes line breaks). */
const groupNamePattern = /^(?!\s+$).+$/;

export function isValidHubName(hub: string): boolean {
  return hubNamePattern.test(hub);
}

export function isValidGroupName(group: string): boolean {
  return group.length >= 1 && group.length <= 1024 && groupNamePattern.test(group);
}

export function checkHubName(hub: string): string {
  if (!isValidHubName(hub))
    throw new ServiceError(400, "The field hub must match the regular expression '^[A-Za-z][A-Za-z0-9_`,.[\\]]{0,127}$'.");
  return hub;
}

export function checkGroupName(group: string, target = "group"): string {
  if (!isValidGroupName(group))
    throw new ServiceError(400, `The field ${target} must be 1 to 1024 characters, not only whitespace, and without line breaks.`);
  return group;
}

/** spec: `userId` and `connectionId` path parameters have `minLength: 1`. */
export function checkNonEmpty(value: string, target: "userId" | "connectionId"): string {
  if (value.length === 0) throw new ServiceError(400, `The field ${target} must not be empty.`);
  if (value.length > 1024) throw new ServiceError(400, `The field ${target} must be at most 1024 characters.`);
  return value;
}
