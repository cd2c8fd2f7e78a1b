// Web PubSub names as the data-plane spec (api-version 2024-12-01) constrains them, so the app refuses a
// bad name before a request leaves: hub `^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$`; group 1–1024 characters,
// not only whitespace, no line breaks (`^(?!\s+$).+$`); user ID and connection ID at least one character.
//
// One rule the spec does not state, because it is about URLs rather than the service: a user ID, group or
// connection ID is a path segment (`/users/{userId}/:send`, `/groups/{group}/:send`, `/connections/{id}`),
// and the SDK percent-encodes it with encodeURIComponent, which leaves `.` alone. A segment that is `.` or
// `..` is then removed by URL normalisation, so `/users/../:send` becomes `/:send` — send-to-all. The URL
// Standard also treats `%2e` (any case) as a dot in such a segment (url.spec.whatwg.org, "single-dot URL
// path segment" and "double-dot URL path segment"), so those spellings are refused too: a name can never
// change the operation, whichever client builds the URL.
import { z } from "zod";

/** `.`, `..` and their percent-encoded spellings (`%2e`, `.%2e`, `%2e.`, `%2e%2e`, any case). */
export function isDotSegment(value: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(value);
}

function pathSegmentName(field: string, maxLength: number): z.ZodString {
  return z
    .string(`${field} must be a string`)
    .min(1, `${field} must not be empty`)
    .max(maxLength, `${field} must be at most ${maxLength} characters`)
    .refine(
      (value) => !isDotSegment(value),
      `${field} must not be '.' or '..' (or %2e spellings of them): in the service's URL such a name would address another operation`,
    );
}

export const webPubSubHubName = z
  .string("hub must be a string")
  .regex(
    /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/,
    "hub must start with a letter and contain only letters, digits and _ ` , . [ ] (at most 128 characters)",
  );

export const webPubSubGroupName = pathSegmentName("group", 1024).regex(
  /^(?!\s+$).+$/,
  "group must not be only whitespace or contain line breaks",
);

export const webPubSubUserId = pathSegmentName("userId", 1024);

export const webPubSubConnectionId = pathSegmentName("connectionId", 1024);

/** A name the service module refuses before any call; `field` is the name's parameter. */
export class WebPubSubNameError extends TypeError {
  override readonly name = "WebPubSubNameError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function isWebPubSubNameError(error: unknown): error is WebPubSubNameError {
  return error instanceof Error && error.name === "WebPubSubNameError";
}

/** Throws a WebPubSubNameError naming the field and the rule when `value` breaks it. */
export function assertWebPubSubName(schema: z.ZodType<string>, field: string, value: unknown): string {
  const result = schema.safeParse(value);
  if (!result.success) throw new WebPubSubNameError(field, result.error.issues.map((issue) => issue.message).join("; "));
  return result.data;
}
