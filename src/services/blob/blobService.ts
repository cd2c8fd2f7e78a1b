// The app's operations on Blob Storage with the shared credential: create-only uploads (nothing is lost
// unless the caller asks to overwrite), downloads with the stored content type, deletes and listing.
import { BlobServiceClient, RestError, type ContainerClient } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";
import { readBounded } from "../../shared/boundedBody.js";

export interface StoredBlob {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string | undefined;
  readonly lastModified: Date | undefined;
}

export interface BlobListing {
  readonly items: readonly { name: string; size: number | undefined; contentType: string | undefined; lastModified: string | undefined }[];
  readonly continuation: string | undefined;
}

export type UploadResult =
  { readonly outcome: "created" | "overwritten"; readonly etag: string | undefined } | { readonly outcome: "exists" };

export interface BlobService {
  upload(options: {
    name: string;
    body: Buffer;
    contentType: string;
    overwrite: boolean;
    abortSignal?: AbortSignal;
  }): Promise<UploadResult>;
  download(options: { name: string; abortSignal?: AbortSignal }): Promise<StoredBlob | undefined>;
  remove(options: { name: string; abortSignal?: AbortSignal }): Promise<boolean>;
  list(options: { prefix?: string; limit: number; continuation?: string; abortSignal?: AbortSignal }): Promise<BlobListing>;
}

/** Storage answers 404 with one of these codes when the container itself is missing. */
export function isContainerNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404 && error.code === "ContainerNotFound";
}

/** Calls for the app's functions retry twice; a probe's access check does not retry at all (see createBlobServiceClient). */
const defaultRetries = 2;

/** The API serves what it accepts and a good margin more, never an unbounded buffer. */
export const maxDownloadBytes = 32 * 1024 * 1024;

/** A blob the API will not buffer: written by something other than the API, larger than it serves. */
export class BlobTooLargeError extends Error {
  override readonly name = "BlobTooLargeError";
}

/**
 * `retries: 0` for access checks: Storage's retry policy waits about 4, 8, 16 s between tries on a 500, 503 or
 * refused connection, which would turn a service error into a timeout instead of reporting it on time.
 */
export function createBlobServiceClient(
  endpoint: string,
  credential: TokenCredential,
  options: { retries?: number } = {},
): BlobServiceClient {
  return new BlobServiceClient(endpoint, credential, { retryOptions: { maxTries: (options.retries ?? defaultRetries) + 1 } });
}

/**
 * Runs `operation`, creating the container first if Storage says it does not exist (Bicep creates the
 * containers in Azure; on a fresh local stack the app makes them on first use).
 */
export async function withContainer<T>(container: ContainerClient, operation: () => Promise<T>, abortSignal?: AbortSignal): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isContainerNotFound(error)) throw error;
    await container.createIfNotExists({ abortSignal });
    return operation();
  }
}

export function createBlobService(
  settings: { readonly endpoint: string; readonly container: string },
  credential: TokenCredential,
): BlobService {
  const container = createBlobServiceClient(settings.endpoint, credential).getContainerClient(settings.container);

  return {
    async upload({ name, body, contentType, overwrite, abortSignal }) {
      const blob = container.getBlockBlobClient(name);
      try {
        const response = await withContainer(
          container,
          () =>
            blob.uploadData(body, {
              abortSignal,
              blobHTTPHeaders: { blobContentType: contentType },
              // Create-only unless asked: the service refuses (409) if the blob exists, atomically.
              conditions: overwrite ? {} : { ifNoneMatch: "*" },
            }),
          abortSignal,
        );
        return { outcome: overwrite ? "overwritten" : "created", etag: response.etag };
      } catch (error) {
        if (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412) && !overwrite)
          return { outcome: "exists" };
        throw error;
      }
    },

    async download({ name, abortSignal }) {
      try {
        const blob = container.getBlobClient(name);
        const response = await blob.download(0, undefined, { abortSignal });
        const read = await readBounded(response.readableStreamBody, { limitBytes: maxDownloadBytes, abortSignal });
        if (!read.ok) throw new BlobTooLargeError(`The blob is larger than the ${maxDownloadBytes} bytes the API serves.`);
        const body = read.bytes;
        return {
          body,
          contentType: response.contentType ?? "application/octet-stream",
          etag: response.etag,
          lastModified: response.lastModified,
        };
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        throw error;
      }
    },

    async remove({ name, abortSignal }) {
      try {
        await container.getBlobClient(name).delete({ abortSignal, deleteSnapshots: "include" });
        return true;
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return false;
        throw error;
      }
    },

    async list({ prefix, limit, continuation, abortSignal }) {
      const pages = container
        .listBlobsFlat({ ...(prefix ? { prefix } : {}), abortSignal })
        .byPage({ maxPageSize: limit, ...(continuation ? { continuationToken: continuation } : {}) });
      let page: Awaited<ReturnType<typeof pages.next>>;
      try {
        page = await pages.next();
      } catch (error) {
        // An account without the container yet simply has no blobs.
        if (isContainerNotFound(error)) return { items: [], continuation: undefined };
        throw error;
      }
      if (page.done) return { items: [], continuation: undefined };
      return {
        items: page.value.segment.blobItems.map((item) => ({
          name: item.name,
          size: item.properties.contentLength,
          contentType: item.properties.contentType,
          lastModified: item.properties.lastModified?.toISOString(),
        })),
        continuation: page.value.continuationToken || undefined,
      };
    },
  };
}
