// Request bodies with a size limit. The service accepts messages up to 1 MB; a larger body is a 413.
// The rest of an oversized body is drained (up to a hard cap) before answering, so the client reads the
// 413 instead of a connection reset while it is still uploading.
import type { IncomingMessage } from "node:http";
import { ServiceError } from "./serviceError.js";

const drainCapBytes = 16 * 1024 * 1024;

export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > drainCapBytes) {
      reject(new ServiceError(413, `The request body is larger than ${limitBytes} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) isTooLarge = true;
      if (!isTooLarge) chunks.push(chunk);
      if (size > drainCapBytes) {
        request.removeAllListeners("data");
        request.resume();
        reject(new ServiceError(413, `The request body is larger than ${limitBytes} bytes.`));
      }
    });
    request.on("end", () => {
      if (isTooLarge) reject(new ServiceError(413, `The request body is larger than ${limitBytes} bytes.`));
      else resolve(Buffer.concat(chunks));
    });
    request.on("error", (error) => reject(error));
  });
}
