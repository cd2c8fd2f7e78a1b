// The timer probe's history: one blob per run, written create-only so concurrent or retried runs never
// overwrite each other, read back newest first.
//
// Names sort newest first: `runs/<descending key>-<yyyyMMddTHHmmssSSSZ>-<invocationId>.json`, where the key is
// 9999999999999 minus the run's time in ms. Blob Storage lists names in lexical order ("Blobs are listed in
// alphabetical order in the response body", List Blobs, REST reference), so the newest N runs are the first
// page of one listing, whatever a day holds: listing `limit=100` costs one list request, at 10 runs a day or at
// 10,000. Each report is then one GET (BlobClient.download with no count: no HEAD first, unlike
// downloadToBuffer), at most `readConcurrency` at once, read through the bounded body reader.
//
// History written before this layout (`yyyy/MM/dd/HHmmssSSS-<invocationId>.json`) still reads: when the new
// layout holds fewer runs than asked for, the old folders are walked, newest first, for the rest.
import { RestError, type ContainerClient } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";
import { readBounded } from "../../shared/boundedBody.js";
import type { HealthReport } from "../../shared/healthReport.js";
import { mapConcurrently } from "../../shared/mapConcurrently.js";
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

/** Reports read at once. */
export const readConcurrency = 8;
/** A report is a few KB per identity; anything far larger is not one of ours, and is skipped unread. */
const maxReportBytes = 4 * 1024 * 1024;

const runsPrefix = "runs/";
/** Descending keys count down from here: 13 digits, enough until the year 2286. */
const newestKey = 9_999_999_999_999;

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

function safeInvocationId(invocationId: string): string {
  return invocationId.replace(/[^A-Za-z0-9-]/g, "").slice(0, 64) || "run";
}

export function historyBlobName(at: Date, invocationId: string): string {
  const descending = String(newestKey - at.getTime()).padStart(13, "0");
  const stamp =
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}${pad(at.getUTCMilliseconds(), 3)}Z`;
  return `${runsPrefix}${descending}-${stamp}-${safeInvocationId(invocationId)}.json`;
}

/** The run's time, from a name of the current layout. */
function timeOfName(name: string): number | undefined {
  const key = /^runs\/(\d{13})-/.exec(name)?.[1];
  return key === undefined ? undefined : newestKey - Number(key);
}

/** The name the old layout gave a run: `yyyy/MM/dd/HHmmssSSS-<invocationId>.json`. */
export function legacyHistoryBlobName(at: Date, invocationId: string): string {
  return (
    `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}${pad(at.getUTCMilliseconds(), 3)}-${safeInvocationId(invocationId)}.json`
  );
}

/** Lists the virtual folders under `prefix` that match `shape`, newest (lexically greatest) first. */
async function childFolders(
  container: ContainerClient,
  prefix: string,
  shape: RegExp,
  abortSignal: AbortSignal | undefined,
): Promise<string[]> {
  const folders: string[] = [];
  for await (const item of container.listBlobsByHierarchy("/", { prefix, abortSignal })) {
    if (item.kind === "prefix" && shape.test(item.name.slice(prefix.length))) folders.push(item.name);
  }
  return folders.sort().reverse();
}

/** The old layout, walked year → month → day newest first: a long history costs a few listings, not all. */
async function legacyNames(container: ContainerClient, limit: number, since: Date | undefined, abortSignal: AbortSignal | undefined) {
  // `yyyy/MM/dd/HHmmssSSS`: the part of a name that orders runs in time.
  const sinceName = since ? legacyHistoryBlobName(since, "x").slice(0, 20) : undefined;
  const names: string[] = [];
  outer: for (const year of await childFolders(container, "", /^\d{4}\/$/, abortSignal)) {
    if (sinceName && year < sinceName.slice(0, 5)) break;
    for (const month of await childFolders(container, year, /^\d{2}\/$/, abortSignal)) {
      if (sinceName && month < sinceName.slice(0, 8)) break;
      for (const day of await childFolders(container, month, /^\d{2}\/$/, abortSignal)) {
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
  return names;
}

export function createProbeHistory(
  settings: { readonly endpoint: string; readonly historyContainer: string },
  credential: TokenCredential,
): ProbeHistory {
  const container = createBlobServiceClient(settings.endpoint, credential).getContainerClient(settings.historyContainer);

  async function readReport(name: string, abortSignal: AbortSignal | undefined): Promise<ReceivedReport | undefined> {
    try {
      const response = await container.getBlobClient(name).download(0, undefined, { abortSignal });
      const read = await readBounded(response.readableStreamBody, { limitBytes: maxReportBytes, abortSignal });
      if (!read.ok) return undefined;
      const parsed = parseReceivedReport(JSON.parse(read.bytes.toString("utf8")));
      return parsed.ok ? parsed.report : undefined;
    } catch (error) {
      // A blob deleted meanwhile or one that is not a report is skipped, not fatal to the listing.
      if ((error instanceof RestError && error.statusCode === 404) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** The newest runs of the current layout: the first names of one listing. */
  async function currentNames(limit: number, since: Date | undefined, abortSignal: AbortSignal | undefined): Promise<string[]> {
    const names: string[] = [];
    const pages = container.listBlobsFlat({ prefix: runsPrefix, abortSignal }).byPage({ maxPageSize: Math.min(limit, 5_000) });
    for await (const page of pages) {
      for (const blob of page.segment.blobItems) {
        const time = timeOfName(blob.name);
        if (time === undefined) continue;
        if (since && time < since.getTime()) return names;
        names.push(blob.name);
        if (names.length >= limit) return names;
      }
    }
    return names;
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
      let names: string[];
      try {
        names = await currentNames(limit, since, abortSignal);
        // Runs from before the current layout are older than every run in it.
        if (names.length < limit) names.push(...(await legacyNames(container, limit - names.length, since, abortSignal)));
      } catch (error) {
        if (isContainerNotFound(error)) return [];
        throw error;
      }
      const reports = await mapConcurrently(names, readConcurrency, async (name) => ({
        name,
        report: await readReport(name, abortSignal),
      }));
      return reports.filter((entry): entry is { name: string; report: ReceivedReport } => entry.report !== undefined);
    },
  };
}
