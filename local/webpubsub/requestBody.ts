// Request bodies with a size limit. The service accepts messages up to 1 MB; a larger body is a 413.
// The rest of an oversized body is drained (up to a hard cap) before answering, so the client reads the
// 413 instead of a connection reset while it is still uploading.
import type { IncomingMessage } from "node:http";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import { ServiceError } from "./serviceError.js";

const drainCapBytes = 16 * 1024 * 1024;

export async function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const read = await readBounded(request, {
    limitBytes,
    declaredBytes: declaredLength(request.headers["content-length"]),
    drainUpToBytes: drainCapBytes,
    leaveOpenWhenTooLarge: true,
  });
  if (!read.ok) {
    if (!read.drained) request.resume();
    throw new ServiceError(413, `The request body is larger than ${limitBytes} bytes.`);
  }
  return read.bytes;
}
