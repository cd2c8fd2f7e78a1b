// The app's API is stricter than Web PubSub about names: control characters (which the service would
// accept in a user ID) are refused, so names stay printable in logs and on the dashboard.
import type { z } from "zod";

export function printable(schema: z.ZodString, field: string): z.ZodType<string> {
  return schema.refine((value) => !/\p{Cc}/u.test(value), `${field} must not contain control characters`);
}
