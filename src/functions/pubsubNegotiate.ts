// GET /api/pubsub/negotiate?userId= — a Web PubSub client access URL minted through Entra ID
// (`:generateToken` with the app's identity), never an access key. The client joins the probe's live
// group, where the timer publishes its summary.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { printable } from "../http/printableName.js";
import { parseQuery } from "../http/queryParameters.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { webPubSubUserId } from "../services/webpubsub/webPubSubNames.js";
import { getAppServices } from "../runtime.js";
import { liveGroup } from "../probes/liveGroup.js";
const query = z.object({ userId: printable(webPubSubUserId, "userId").optional() });

export async function pubsubNegotiate(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = parseQuery(request, query);
  if (!parsed.ok) return parsed.response;
  const { webPubSub } = await getAppServices();
  if (webPubSub.state !== "configured") return unavailable("Web PubSub", webPubSub);
  try {
    const url = await webPubSub.service.mintClientUrl({
      ...(parsed.value.userId ? { userId: parsed.value.userId } : {}),
      groups: [liveGroup],
      roles: [`webpubsub.joinLeaveGroup.${liveGroup}`],
      minutesToExpire: 60,
      abortSignal: AbortSignal.timeout(15_000),
    });
    // The URL carries a short-lived client token for this caller: not cacheable anywhere.
    return json(200, { url });
  } catch (error) {
    return serviceProblem("Web PubSub", error, context);
  }
}
