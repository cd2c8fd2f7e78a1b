// PUT / GET / DELETE /api/blobs/{*name} — upload (create-only unless ?overwrite=true), download, delete.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { validateBlobName } from "../http/blobName.js";
import { problem } from "../http/problem.js";
import { parseQuery } from "../http/queryParameters.js";
import { readBodyWithLimit } from "../http/readBody.js";
import { json, unavailable } from "../http/responses.js";
import { serviceProblem } from "../http/serviceProblem.js";
import { serviceCallTimeoutMs } from "../config.js";
import { storage } from "../resources/storage.js";
import { BlobTooLargeError } from "../services/blob/blobService.js";
import { getService } from "../runtime.js";

export const maxUploadBytes = 4 * 1024 * 1024;
const deadline = (): AbortSignal => AbortSignal.timeout(serviceCallTimeoutMs);
const contentType = /^[\w!#$&^.+-]{1,127}\/[\w!#$&^.+-]{1,127}(\s*;\s*[\w!#$&^.+-]+=("[^"\\\p{Cc}]{0,200}"|[\w!#$&^.+-]{1,200}))*$/u;
const putQuery = z.object({ overwrite: z.enum(["true", "false"], "overwrite must be true or false").default("false") });

export async function blobItem(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = validateBlobName(request.params.name);
  if (!name.ok) return problem(400, "Invalid blob name", name.message);
  const service = await getService(storage);
  if (service.state !== "configured") return unavailable(storage.displayName, service);
  const { blobs } = service.value;
  try {
    switch (request.method) {
      case "PUT": {
        const query = parseQuery(request, putQuery);
        if (!query.ok) return query.response;
        const type = request.headers.get("content-type")?.trim() || "application/octet-stream";
        if (type.length > 256 || !contentType.test(type))
          return problem(400, "Invalid content type", "The Content-Type header is not a valid media type.");
        const body = await readBodyWithLimit(request, maxUploadBytes);
        if (!body.ok) return problem(413, "Body too large", `Uploads are limited to ${maxUploadBytes} bytes (4 MiB).`);
        const result = await blobs.upload({
          name: name.name,
          body: body.bytes,
          contentType: type,
          overwrite: query.value.overwrite === "true",
          abortSignal: deadline(),
        });
        if (result.outcome === "exists") {
          return problem(
            409,
            "Blob exists",
            `A blob named '${name.name.slice(0, 200)}' already exists and was left unchanged; add ?overwrite=true to replace it.`,
          );
        }
        return json(
          201,
          { name: name.name, size: body.bytes.length, contentType: type, etag: result.etag },
          { location: `/api/blobs/${encodeURIComponent(name.name).replace(/%2F/g, "/")}` },
        );
      }
      case "GET": {
        const blob = await blobs.download({ name: name.name, abortSignal: deadline() });
        if (!blob) return problem(404, "Blob not found", `There is no blob named '${name.name.slice(0, 200)}'.`);
        // Stored content is the uploader's: never let a browser run it in the app's origin.
        return {
          status: 200,
          body: blob.body,
          headers: {
            "content-type": blob.contentType,
            "x-content-type-options": "nosniff",
            "content-security-policy": "sandbox; default-src 'none'",
            "cache-control": "no-store",
            ...(blob.etag ? { etag: blob.etag } : {}),
          },
        };
      }
      case "DELETE": {
        const removed = await blobs.remove({ name: name.name, abortSignal: deadline() });
        return removed ? { status: 204 } : problem(404, "Blob not found", `There is no blob named '${name.name.slice(0, 200)}'.`);
      }
      default:
        return problem(405, "Method not allowed", "Use GET, PUT or DELETE.");
    }
  } catch (error) {
    if (error instanceof BlobTooLargeError)
      return problem(502, "Blob too large", `${error.message} It was written by something other than this API.`);
    return serviceProblem(storage.displayName, error, context, storage.failureSignatures);
  }
}
