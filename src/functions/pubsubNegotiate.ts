// GET /api/pubsub/negotiate?userId= — a Web PubSub client access URL minted through Entra ID
// (`:generateToken` with the app's identity), never an access key. The client joins the probe's live
// group, where the timer publishes its summary.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { printable } from "../http/printableName.js";
import { problem } from "../http/problem.js";
import { parseQuery } from "../http/queryParameters.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { isWebPubSubNameError, webPubSubUserId } from "../services/webpubsub/webPubSubNames.js";
import { serviceCallTimeoutMs } from "../config.js";
import { liveGroup, webPubSub } from "../resources/webPubSub.js";
import { getService } from "../runtime.js";
const query = z.object({ userId: printable(webPubSubUserId, "userId").optional() });

export async function pubsubNegotiate(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, query);
  if (!parsed.ok) return parsed.response;
  const service = await getService(webPubSub);
  if (service.state !== "configured") return unavailable(webPubSub.displayName, service);
  try {
    const url = await service.value.mintClientUrl({
      ...(parsed.value.userId ? { userId: parsed.value.userId } : {}),
      groups: [liveGroup],
      roles: [`webpubsub.joinLeaveGroup.${liveGroup}`],
      minutesToExpire: 60,
      abortSignal: AbortSignal.timeout(serviceCallTimeoutMs),
    });
    // The URL carries a short-lived client token for this caller: not cacheable anywhere.
    return json(200, { url });
  } catch (error) {
    // The service module checks names again; a refusal there is still the caller's input.
    if (isWebPubSubNameError(error)) return problem(400, "Invalid query parameter", `'${error.field}': ${error.message}`);
    return serviceProblem(webPubSub.displayName, error, context, webPubSub.failureSignatures);
  }
}
