// Web PubSub names as the data-plane spec (api-version 2024-12-01) constrains them, so the app refuses a
// bad name before a request leaves: hub `^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$`; group 1–1024 characters,
// not only whitespace, no line breaks (`^(?!\s+$).+$`); user ID at least one character.
import { z } from "zod";

export const webPubSubHubName = z
  .string("hub must be a string")
  .regex(
    /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/,
    "hub must start with a letter and contain only letters, digits and _ ` , . [ ] (at most 128 characters)",
  );

export const webPubSubGroupName = z
  .string("group must be a string")
  .min(1, "group must not be empty")
  .max(1024, "group must be at most 1024 characters")
  .regex(/^(?!\s+$).+$/, "group must not be only whitespace or contain line breaks");

export const webPubSubUserId = z
  .string("userId must be a string")
  .min(1, "userId must not be empty")
  .max(1024, "userId must be at most 1024 characters");

/** Throws a TypeError naming the rule when `value` breaks it. */
export function assertWebPubSubName(schema: z.ZodType<string>, value: unknown): string {
  const result = schema.safeParse(value);
  if (!result.success) throw new TypeError(result.error.issues.map((issue) => issue.message).join("; "));
  return result.data;
}
