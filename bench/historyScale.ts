// The history read against its floor, in one process with its own Azurite (over HTTPS with OAuth, as the app
// uses it): 1,000 recorded runs, then `limit=100` as the history route reads it, against a GET-only floor — the
// same 100 reports fetched by name (the listing skipped), with the same SDK, parallelism and body reader.
import { join } from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { startAzurite } from "../local/azurite.js";
import { startIdentityEndpoint } from "../local/identity/identityEndpoint.js";
import { createLocalCa } from "../local/localCa.js";
import { createBlobServiceClient } from "../src/services/blob/blobService.js";
import { createProbeHistory, readConcurrency } from "../src/services/blob/probeHistory.js";
import { readBounded } from "../src/shared/boundedBody.js";
import type { HealthReport } from "../src/shared/healthReport.js";
import { mapConcurrently } from "../src/shared/mapConcurrently.js";
import { parseReceivedReport } from "../src/shared/receivedReport.js";

const caDir = process.env.IDENTITY_PROBE_BENCH_CA_DIR;
if (!caDir) throw new Error("IDENTITY_PROBE_BENCH_CA_DIR is not set: run through bench/run.js");
const runs = 1_000;
const limit = 100;
const rounds = 7;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const ca = await createLocalCa(caDir);
const identityEndpoint = await startIdentityEndpoint();
const certificate = await ca.issueServerCertificate("bench-history");
const azurite = await startAzurite({
  location: join(caDir, "azurite-history"),
  certPath: certificate.certPath,
  keyPath: certificate.keyPath,
});
Object.assign(process.env, identityEndpoint.environment("AppService"));
delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
try {
  const credential = new ManagedIdentityCredential();
  const settings = { endpoint: azurite.blobEndpoint, historyContainer: "probe-history" };
  const history = createProbeHistory(settings, credential);
  // A real report's shape and size: one identity, the app's checks.
  const report = (at: Date): HealthReport => ({
    status: "pass",
    version: "1",
    releaseId: "bench",
    serviceId: "bench",
    time: at.toISOString(),
    checks: Object.fromEntries(
      [
        "storage:token",
        "webpubsub:token",
        "quantum:token",
        "arm:token",
        "storage:access",
        "webpubsub:access",
        "quantum:access",
        "identity:endpoint",
      ].map((key) => [
        key,
        [
          {
            componentId: key,
            componentType: "audience",
            identity: "system",
            status: "pass",
            observedValue: 12,
            observedUnit: "ms",
            time: at.toISOString(),
          },
        ],
      ]),
    ),
  });
  // One run every 5 minutes, the default schedule: 1,000 runs are about three and a half days.
  const start = Date.parse("2026-06-01T00:00:00Z");
  await mapConcurrently(
    Array.from({ length: runs }, (_, index) => new Date(start + index * 300_000)),
    16,
    (at) => history.record(report(at), `run-${at.getTime()}`, { at }),
  );

  const names = (await history.list({ limit })).map((entry) => entry.name);
  if (names.length !== limit) throw new Error(`the history read ${names.length} reports, not ${limit}`);
  const container = createBlobServiceClient(settings.endpoint, credential).getContainerClient(settings.historyContainer);
  const getOnly = () =>
    mapConcurrently(names, readConcurrency, async (name) => {
      const response = await container.getBlobClient(name).download(0, undefined);
      const read = await readBounded(response.readableStreamBody, { limitBytes: 4 * 1024 * 1024 });
      if (!read.ok) throw new Error(`${name} is too large`);
      return parseReceivedReport(JSON.parse(read.bytes.toString("utf8")));
    });
  const listed: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let started = performance.now();
    const entries = await history.list({ limit });
    listed.push(performance.now() - started);
    if (entries.length !== limit) throw new Error(`the history read ${entries.length} reports, not ${limit}`);
    started = performance.now();
    await getOnly();
    floor.push(performance.now() - started);
  }
  console.log(JSON.stringify({ runs, limit, listMs: median(listed), floorMs: median(floor) }));
} finally {
  await azurite.close();
  await identityEndpoint.close();
}
process.exit(0);
