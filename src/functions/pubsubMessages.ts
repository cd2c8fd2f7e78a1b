// POST /api/pubsub/messages — { message, group?, userId? } → 202: sends to everyone, a group or a user
// through the app's identity (Web PubSub Service Owner).
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { printable } from "../http/printableName.js";
import { problem } from "../http/problem.js";
import { parseJson, readBodyWithLimit } from "../http/readBody.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { isWebPubSubNameError, webPubSubGroupName, webPubSubUserId } from "../services/webpubsub/webPubSubNames.js";
import { serviceCallTimeoutMs } from "../config.js";
import { webPubSub } from "../resources/webPubSub.js";
import { getService } from "../runtime.js";

// The service accepts messages up to 1 MB; the envelope is a little larger than the message.
export const maxMessageBodyBytes = 1024 * 1024;

const body = z
  .strictObject(
    {
      message: z.union(
        [z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())],
        "message is required: a JSON value or a string",
      ),
      group: printable(webPubSubGroupName, "group").optional(),
      userId: printable(webPubSubUserId, "userId").optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? `unknown field(s): ${issue.keys.join(", ")}` : "the body must be a JSON object",
    },
  )
  .refine((value) => !(value.group !== undefined && value.userId !== undefined), "give group or userId, not both");

export async function pubsubMessages(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const read = await readBodyWithLimit(request, maxMessageBodyBytes);
  if (!read.ok) return problem(413, "Body too large", `Messages are limited to ${maxMessageBodyBytes} bytes.`);
  const parsedJson = parseJson(read.bytes);
  if (!parsedJson.ok) return problem(400, "Invalid body", parsedJson.message);
  const parsed = body.safeParse(parsedJson.value);
  if (!parsed.success)
    return problem(
      400,
      "Invalid body",
      parsed.error.issues.map((issue) => (issue.path.length ? `'${issue.path.join(".")}': ${issue.message}` : issue.message)).join("; "),
    );
  const service = await getService(webPubSub);
  if (service.state !== "configured") return unavailable(webPubSub.displayName, service);
  const { message, group, userId } = parsed.data;
  try {
    await service.value.sendMessage({
      message,
      contentType: typeof message === "string" ? "text/plain" : "application/json",
      ...(group !== undefined ? { group } : {}),
      ...(userId !== undefined ? { userId } : {}),
      abortSignal: AbortSignal.timeout(serviceCallTimeoutMs),
    });
    // spec: sends are fire-and-forget, 202.
    return json(202, { sent: true, to: group !== undefined ? { group } : userId !== undefined ? { userId } : "all" });
  } catch (error) {
    // The service module checks names again; a refusal there is still the caller's input.
    if (isWebPubSubNameError(error)) return problem(400, "Invalid body", `'${error.field}': ${error.message}`);
    return serviceProblem(webPubSub.displayName, error, context, webPubSub.failureSignatures);
  }
}
