// Composition root of the Functions app: registers every function. Handlers load the Azure SDKs on
// first use (runtime.ts), so registration — the cold start — stays small.
import { app } from "@azure/functions";
import { getConfig, timerScheduleBinding } from "./config.js";
import { blobItem } from "./functions/blobItem.js";
import { dashboard } from "./functions/dashboard.js";
import { blobList } from "./functions/blobList.js";
import { healthIdentity } from "./functions/healthIdentity.js";
import { healthIdentityDetails } from "./functions/healthIdentityDetails.js";
import { healthIdentityHistory } from "./functions/healthIdentityHistory.js";
import { identityProbeTimer } from "./functions/identityProbeTimer.js";
import { pubsubMessages } from "./functions/pubsubMessages.js";
import { pubsubNegotiate } from "./functions/pubsubNegotiate.js";
import { quantumJob } from "./functions/quantumJob.js";
import { quantumJobs } from "./functions/quantumJobs.js";

app.setup({ enableHttpStream: false });

app.hook.appStart(() => {
  // A malformed setting never stops the app (the health endpoint must be able to say what is wrong),
  // but it is logged once at start, naming the setting.
  for (const problem of getConfig().problems) console.error(`identity-probe configuration error: ${problem.message}`);
});

app.http("healthIdentity", { route: "health/identity", methods: ["GET"], authLevel: "anonymous", handler: healthIdentity });
app.http("healthIdentityDetails", {
  route: "health/identity/details",
  methods: ["GET"],
  authLevel: "function",
  handler: healthIdentityDetails,
});
app.http("healthIdentityHistory", {
  route: "health/identity/history",
  methods: ["GET"],
  authLevel: "function",
  handler: healthIdentityHistory,
});
app.http("blobItem", { route: "blobs/{*name}", methods: ["GET", "PUT", "DELETE"], authLevel: "function", handler: blobItem });
app.http("blobList", { route: "blobs", methods: ["GET"], authLevel: "function", handler: blobList });
app.http("pubsubNegotiate", { route: "pubsub/negotiate", methods: ["GET"], authLevel: "function", handler: pubsubNegotiate });
app.http("pubsubMessages", { route: "pubsub/messages", methods: ["POST"], authLevel: "function", handler: pubsubMessages });
app.http("quantumJobs", { route: "quantum/jobs", methods: ["GET", "POST"], authLevel: "function", handler: quantumJobs });
app.http("quantumJob", { route: "quantum/jobs/{id}", methods: ["GET", "DELETE"], authLevel: "function", handler: quantumJob });
app.http("dashboard", { route: "dashboard", methods: ["GET"], authLevel: "function", handler: dashboard });

const schedule = timerScheduleBinding();
if (schedule) {
  app.timer("identityProbe", { schedule, runOnStartup: false, handler: identityProbeTimer });
} else {
  console.error(
    "identity-probe configuration error: IDENTITY_PROBE_SCHEDULE is not a valid NCRONTAB expression; the identityProbe timer is not registered.",
  );
}
