// JSON request bodies with a size limit. An oversized body is a 413 (its rest is drained up to a hard cap so the
// client reads the answer instead of a reset), a non-JSON media type a 415, and unparsable JSON a 400.
import type { IncomingMessage } from "node:http";
import { declaredLength, readBounded } from "../../src/shared/boundedBody.js";
import { QuantumServiceError } from "./quantumServiceError.js";

const drainCapBytes = 16 * 1024 * 1024;

function tooLarge(limitBytes: number): QuantumServiceError {
  // The rest of the body may still be on its way: close the connection after answering so it is never read
  // as the next request on a kept-alive socket.
  return new QuantumServiceError(
    413,
    "RequestBodyTooLarge",
    `The request body is larger than the ${limitBytes} bytes this operation accepts.`,
    {
      headers: { connection: "close" },
    },
  );
}

export async function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const read = await readBounded(request, {
    limitBytes,
    declaredBytes: declaredLength(request.headers["content-length"]),
    drainUpToBytes: drainCapBytes,
    leaveOpenWhenTooLarge: true,
  });
  if (!read.ok) {
    if (!read.drained) request.resume();
    throw tooLarge(limitBytes);
  }
  return read.bytes;
}

/** The body parsed as JSON; an empty body is `undefined` (for operations whose body is optional). */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const contentType = request.headers["content-type"];
  const body = await readRequestBody(request, limitBytes);
  if (body.length === 0) return undefined;
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType))
    throw new QuantumServiceError(415, "UnsupportedMediaType", "The request body must be JSON (Content-Type: application/json).");
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new QuantumServiceError(400, "InvalidRequestContent", "The request body is not valid JSON.");
  }
}
