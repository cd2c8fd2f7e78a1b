// The timer probe's history: one blob per run, `yyyy/MM/dd/HHmmssSSS-<invocationId>.json`, written
// create-only so concurrent or retried runs never overwrite each other; read back newest first.
import { RestError, type ContainerClient } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";
import type { HealthReport } from "../../shared/healthReport.js";
import { parseReceivedReport, type ReceivedReport } from "../../shared/receivedReport.js";
import { createBlobServiceClient, isContainerNotFound, withContainer } from "./blobService.js";

export interface ProbeHistory {
  /** Writes one run's report; returns the blob name. Refuses to overwrite (a second write of the same run fails). */
  record(report: HealthReport, invocationId: string, options?: { abortSignal?: AbortSignal; at?: Date }): Promise<string>;
  /** Reports newest first, at most `limit`, none older than `since`. */
  list(options: { limit: number; since?: Date; abortSignal?: AbortSignal }): Promise<readonly { name: string; report: ReceivedReport }[]>;
}

export class HistoryBlobExistsError extends Error {
  override readonly name = "HistoryBlobExistsError";
}

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

export function historyBlobName(at: Date, invocationId: string): string {
  const safeId = invocationId.replace(/[^A-Za-z0-9-]/g, "").slice(0, 64) || "run";
  return (
    `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}${pad(at.getUTCMilliseconds(), 3)}-${safeId}.json`
  );
}

/** Lists the virtual folders under `prefix`, newest (lexically greatest) first. */
async function childFolders(container: ContainerClient, prefix: string, abortSignal: AbortSignal | undefined): Promise<string[]> {
  const folders: string[] = [];
  for await (const item of container.listBlobsByHierarchy("/", { prefix, abortSignal })) {
    if (item.kind === "prefix") folders.push(item.name);
  }
  return folders.sort().reverse();
}

export function createProbeHistory(
  settings: { readonly endpoint: string; readonly historyContainer: string },
  credential: TokenCredential,
): ProbeHistory {
  const container = createBlobServiceClient(settings.endpoint, credential).getContainerClient(settings.historyContainer);

  async function readReport(name: string, abortSignal: AbortSignal | undefined): Promise<ReceivedReport | undefined> {
    try {
      const buffer = await container.getBlobClient(name).downloadToBuffer(0, undefined, { abortSignal });
      const parsed = parseReceivedReport(JSON.parse(buffer.toString("utf8")));
      return parsed.ok ? parsed.report : undefined;
    } catch (error) {
      // A blob deleted meanwhile or one that is not a report is skipped, not fatal to the listing.
      if ((error instanceof RestError && error.statusCode === 404) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  return {
    async record(report, invocationId, options = {}) {
      const name = historyBlobName(options.at ?? new Date(report.time), invocationId);
      const body = Buffer.from(JSON.stringify(report));
      try {
        await withContainer(
          container,
          () =>
            container.getBlockBlobClient(name).uploadData(body, {
              abortSignal: options.abortSignal,
              blobHTTPHeaders: { blobContentType: "application/health+json" },
              conditions: { ifNoneMatch: "*" },
            }),
          options.abortSignal,
        );
      } catch (error) {
        if (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412)) {
          throw new HistoryBlobExistsError(`History blob ${name} already exists; it was not overwritten.`);
        }
        throw error;
      }
      return name;
    },

    async list({ limit, since, abortSignal }) {
      // `yyyy/MM/dd/HHmmssSSS`: the part of a name that orders runs in time.
      const sinceName = since ? historyBlobName(since, "x").slice(0, 20) : undefined;
      const names: string[] = [];
      try {
        // Walk year → month → day folders newest first, so a long history costs a few listings, not all.
        outer: for (const year of await childFolders(container, "", abortSignal)) {
          if (sinceName && year < sinceName.slice(0, 5)) break;
          for (const month of await childFolders(container, year, abortSignal)) {
            if (sinceName && month < sinceName.slice(0, 8)) break;
            for (const day of await childFolders(container, month, abortSignal)) {
              if (sinceName && day < sinceName.slice(0, 11)) break outer;
              const inDay: string[] = [];
              for await (const blob of container.listBlobsFlat({ prefix: day, abortSignal })) inDay.push(blob.name);
              for (const name of inDay.sort().reverse()) {
                if (sinceName && name.slice(0, 20) < sinceName) break outer;
                names.push(name);
                if (names.length >= limit) break outer;
              }
            }
          }
        }
      } catch (error) {
        if (isContainerNotFound(error)) return [];
        throw error;
      }
      const reports = await Promise.all(names.map(async (name) => ({ name, report: await readReport(name, abortSignal) })));
      return reports.filter((entry): entry is { name: string; report: ReceivedReport } => entry.report !== undefined);
    },
  };
}
