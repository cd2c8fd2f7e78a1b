// Azure Web PubSub: client URLs minted through Entra ID and messages to the hub, a group or a user, with a
// bearer token for https://webpubsub.azure.com. Role: Web PubSub Service Owner
// (12cf5a90-567b-43ae-8102-96cf46c7d9b4, dataActions `Microsoft.SignalRService/WebPubSub/*`); each
// operation's data action is the one learn's permissions page (Microsoft.SignalRService) describes for it,
// and the service names it in its 403 ("… permission is required to access this API", aspire#8382).
import { z } from "zod";
import { armResourceIdSchema, httpsEndpointSchema } from "../config.js";
import { webPubSubHubName } from "../services/webpubsub/webPubSubNames.js";
import { createWebPubSubService, type WebPubSubService } from "../services/webpubsub/webPubSubService.js";
import { perCredential, type ResourceDefinition } from "./resourceDefinition.js";

export interface WebPubSubSettings {
  readonly endpoint: string;
  readonly hub: string;
  readonly resourceId: string | undefined;
}

/** The Web PubSub group the timer probe publishes its summary to and the dashboard listens on. */
export const liveGroup = "identity-probe";

const dataAction = "Microsoft.SignalRService/WebPubSub";

export const webPubSub: ResourceDefinition<WebPubSubSettings, WebPubSubService> = {
  component: "webpubsub",
  displayName: "Web PubSub",
  audience: "https://webpubsub.azure.com",
  endpointSetting: "AZURE_WEBPUBSUB_ENDPOINT",
  settingNames: ["AZURE_WEBPUBSUB_ENDPOINT", "AZURE_WEBPUBSUB_HUB", "AZURE_WEBPUBSUB_ID"],
  scopeSetting: "AZURE_WEBPUBSUB_ID",
  dataRole: { name: "Web PubSub Service Owner", id: "12cf5a90-567b-43ae-8102-96cf46c7d9b4" },
  failureSignatures: [
    {
      id: "webpubsub-data-role-missing",
      scenario: "Web PubSub: the identity lacks the data action the operation needs",
      match: {
        origin: "resource",
        status: [403],
        text: /permission is required to access this API\. Please check your role assignments\./,
      },
      category: "forbidden",
      mayBePropagating: true,
      remediation:
        "{identity} lacks the Web PubSub data action this needs: a control-plane role (SignalR/Web PubSub Contributor, Contributor) is not enough. " +
        "Assign '{role}' to principal {principal} on {scope} (az role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal --role \"{role}\" --scope {scope}).",
      source: "github.com/microsoft/aspire/issues/8382 (403 Error.Forbidden body, for group/send/action)",
      evidence: "observed",
      sample: {
        kind: "http",
        status: 403,
        headers: { "content-type": "application/json", "x-ms-error-code": "Error.Forbidden" },
        body: `{"code":"Error.Forbidden","message":"${dataAction}/clientConnection/generateToken/action permission is required to access this API. Please check your role assignments."}`,
      },
    },
  ],
  operations: {
    // WebPubSub_GenerateClientToken: exactly what negotiate needs.
    generateClientToken: { dataActions: [`${dataAction}/clientConnection/generateToken/action`] },
    sendToAll: { dataActions: [`${dataAction}/hub/send/action`] },
    sendToGroup: { dataActions: [`${dataAction}/group/send/action`] },
    sendToUser: { dataActions: [`${dataAction}/user/send/action`] },
  },
  accessOperation: "generateClientToken",

  readSettings(reader) {
    const endpoint = reader.parse("AZURE_WEBPUBSUB_ENDPOINT", httpsEndpointSchema);
    const hub = reader.parse("AZURE_WEBPUBSUB_HUB", z.string().trim().pipe(webPubSubHubName), "identityprobe");
    const resourceId = reader.parse("AZURE_WEBPUBSUB_ID", armResourceIdSchema);
    return endpoint ? { endpoint, hub, resourceId } : undefined;
  },

  accessTarget: (settings) => ({
    componentId: `${settings.endpoint}/api/hubs/${settings.hub}`,
    endpoint: settings.endpoint,
    scope: settings.resourceId,
  }),

  createAccessCheck(settings) {
    const serviceFor = perCredential((credential) =>
      createWebPubSubService({ endpoint: settings.endpoint, hub: settings.hub, credential, retries: 0 }),
    );
    return (credential, abortSignal) => serviceFor(credential).checkAccess({ abortSignal });
  },

  createService: (settings, credential) => createWebPubSubService({ endpoint: settings.endpoint, hub: settings.hub, credential }),
  liveUpdates: {
    group: liveGroup,
    channel: (service) => ({
      publish: (summary, { abortSignal }) => service.publishToGroup(liveGroup, summary, { abortSignal }),
    }),
  },
};
