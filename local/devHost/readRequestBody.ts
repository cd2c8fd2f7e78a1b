// Reads a request body up to a limit, as the host's request size limit does (Functions: 100 MB; the dev
// host defaults to 10 MiB and the app enforces its own, smaller limits). A body over the limit is refused
// from its Content-Length when it has one, else as soon as the limit is passed.
import type { IncomingMessage } from "node:http";

export type RequestBody = { readonly kind: "body"; readonly bytes: Buffer } | { readonly kind: "too-large" };

export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<RequestBody> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve({ kind: "too-large" });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        isDone = true;
        request.off("data", onData);
        chunks.length = 0;
        resolve({ kind: "too-large" });
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => {
      if (!isDone) resolve({ kind: "body", bytes: Buffer.concat(chunks) });
    });
    request.once("error", (error) => {
      if (!isDone) reject(error);
    });
  });
}
