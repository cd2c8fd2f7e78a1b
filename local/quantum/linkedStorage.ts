// The workspace's linked storage account, backed by Azurite. Storage_GetSasUri hands out real service SAS URLs
// (signed with the account key, here Azurite's published development key) and, for a container, creates the
// container first (spec: "Starting with version 2026-01-15-preview, when used for a container the container is
// also created if it does not already exist"). Job execution reads input and writes output with the account key,
// as the service uses its own access to the linked account; URIs outside that account are refused.
import {
  BlobSASPermissions,
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { readBounded } from "../../src/shared/boundedBody.js";

/** The example's SAS lasts about 12 hours (se 11:57 for a job created 23:57, spec Jobs_Create example). */
const sasLifetimeMs = 12 * 3600 * 1000;
/** Azurite 3.35 verifies SAS signatures up to this service version; newer SDK defaults sign differently. */
const sasVersion = "2025-11-05";

export interface BlobLocation {
  readonly containerName: string;
  readonly blobName: string | undefined;
}

export interface LinkedStorage {
  /** A SAS URL for a container (created if missing) or a blob; `rcw` like the service's, or read-only. */
  issueSasUri(location: BlobLocation, options: { permissions: "rcw" | "r"; abortSignal?: AbortSignal }): Promise<string>;
  /** Where a URI points inside the linked account, or undefined when it is not in it. */
  locate(uri: string): BlobLocation | undefined;
  /** `<endpoint>/<container>[/<blob>]`, no SAS. */
  urlOf(location: BlobLocation): string;
  readBlob(location: BlobLocation, options: { limitBytes: number; abortSignal?: AbortSignal }): Promise<Buffer>;
  writeBlob(location: BlobLocation, body: string, options: { contentType: string; abortSignal?: AbortSignal }): Promise<void>;
}

/** Azure Storage container names: 3–63 of a-z 0-9 '-', starting with a letter or digit, no '--'. */
export function containerNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/.test(name))
    return "must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit";
  return undefined;
}

/** Azure Storage blob names: 1–1024 characters; control characters are refused here. */
export function blobNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 1024) return "must be 1 to 1024 characters long";
  if (/[\p{Cc}\\]/u.test(name)) return "must not contain control characters or backslashes";
  return undefined;
}

export class BlobTooLargeError extends Error {
  override readonly name = "BlobTooLargeError";
}

export function createLinkedStorage(options: { blobEndpoint: string; accountName: string; accountKey: string }): LinkedStorage {
  const endpoint = options.blobEndpoint.replace(/\/+$/, "");
  const endpointUrl = new URL(endpoint);
  const credential = new StorageSharedKeyCredential(options.accountName, options.accountKey);
  const service = new BlobServiceClient(endpoint, credential);

  function urlOf(location: BlobLocation): string {
    const container = `${endpoint}/${location.containerName}`;
    return location.blobName === undefined ? container : `${container}/${location.blobName.split("/").map(encodeURIComponent).join("/")}`;
  }

  return {
    urlOf,
    async issueSasUri(location, { permissions, abortSignal }) {
      if (location.blobName === undefined) await service.getContainerClient(location.containerName).createIfNotExists({ abortSignal });
      const now = Date.now();
      const query = generateBlobSASQueryParameters(
        {
          containerName: location.containerName,
          ...(location.blobName !== undefined ? { blobName: location.blobName } : {}),
          permissions: location.blobName === undefined ? ContainerSASPermissions.parse(permissions) : BlobSASPermissions.parse(permissions),
          // A little clock skew between this process and Azurite must not make a fresh SAS "not yet valid".
          startsOn: new Date(now - 5 * 60 * 1000),
          expiresOn: new Date(now + sasLifetimeMs),
          protocol: endpointUrl.protocol === "https:" ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
          version: sasVersion,
        },
        credential,
      ).toString();
      return `${urlOf(location)}?${query}`;
    },
    locate(uri) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        return undefined;
      }
      if (url.origin !== endpointUrl.origin) return undefined;
      const prefix = endpointUrl.pathname.replace(/\/+$/, "");
      if (!url.pathname.startsWith(`${prefix}/`)) return undefined;
      let segments: string[];
      try {
        segments = url.pathname
          .slice(prefix.length + 1)
          .split("/")
          .map(decodeURIComponent);
      } catch {
        return undefined;
      }
      const [containerName, ...blob] = segments;
      if (!containerName || containerNameProblem(containerName) !== undefined) return undefined;
      const blobName = blob.length > 0 ? blob.join("/") : undefined;
      if (blobName !== undefined && blobNameProblem(blobName) !== undefined) return undefined;
      return { containerName, blobName };
    },
    async readBlob(location, { limitBytes, abortSignal }) {
      const blob = service.getContainerClient(location.containerName).getBlobClient(location.blobName ?? "");
      const download = await blob.download(0, undefined, { abortSignal });
      const read = await readBounded(download.readableStreamBody, { limitBytes, declaredBytes: download.contentLength, abortSignal });
      if (!read.ok) throw new BlobTooLargeError(`The blob is larger than ${limitBytes} bytes.`);
      return read.bytes;
    },
    async writeBlob(location, body, { contentType, abortSignal }) {
      const blob = service.getContainerClient(location.containerName).getBlockBlobClient(location.blobName ?? "");
      await blob.upload(body, Buffer.byteLength(body), { abortSignal, blobHTTPHeaders: { blobContentType: contentType } });
    },
  };
}
