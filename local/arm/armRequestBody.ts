// A PUT body: JSON, at most armBodyLimitBytes. A body a little over it (up to drainCapBytes) is read and dropped
// before the 413, so that a client still writing reads the answer rather than a reset; a larger declared
// Content-Length is refused unread, and a body that outgrows the cap stops being read — then the connection closes
// after the 413 (armResponse.ts), so the unread rest is never taken for a request. ARM's wording for a body it cannot deserialize ends with its
// parser's own message (InvalidRequestContent, "…could not be deserialized: '<Newtonsoft message>'"), which cannot
// be reproduced faithfully: malformed JSON is answered with 400 alone.
import type { IncomingMessage } from "node:http";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import { statusOnly } from "./armError.js";
import { unsupportedMediaType } from "./armErrors.js";

export const armBodyLimitBytes = 64 * 1024;
const drainCapBytes = 1024 * 1024;

/** Requests whose body was left partly unread because it outgrew the drain cap. */
const stoppedReads = new WeakSet<IncomingMessage>();

/**
 * Whether the connection must close after the answer: the body is too large to be drained. Any other unread body
 * (a refusal before the operation read it) Node drains itself once the answer is sent, keeping the connection.
 */
export function mustCloseAfter(request: IncomingMessage): boolean {
  const declared = declaredLength(request.headers["content-length"]);
  return stoppedReads.has(request) || (declared !== undefined && declared > drainCapBytes);
}

export async function readArmJsonBody(request: IncomingMessage, abortSignal: AbortSignal): Promise<unknown> {
  const contentType = request.headers["content-type"];
  const read = await readBounded(request, {
    limitBytes: armBodyLimitBytes,
    declaredBytes: declaredLength(request.headers["content-length"]),
    drainUpToBytes: drainCapBytes,
    leaveOpenWhenTooLarge: true,
    abortSignal,
  });
  if (!read.ok && !read.drained) stoppedReads.add(request);
  if (!read.ok) throw statusOnly(413, "RequestBodyTooLarge", `The request body is larger than the ${armBodyLimitBytes} bytes the emulator reads.`);
  // Azure/ARO-RP body.go: a body (or a declared type) that is not application/json is a 415.
  const mediaType = contentType?.split(";", 1)[0]?.trim().toLowerCase();
  if (mediaType !== "application/json" && (read.bytes.length > 0 || mediaType !== undefined)) throw unsupportedMediaType(contentType);
  if (read.bytes.length === 0) throw statusOnly(400, "InvalidRequestContent", "The request has no body; this operation needs one.");
  try {
    return JSON.parse(read.bytes.toString("utf8")) as unknown;
  } catch {
    throw statusOnly(400, "InvalidRequestContent", "The request body is not valid JSON.");
  }
}
