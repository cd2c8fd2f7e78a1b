// The one way this project reads a body of unknown size: request bodies in the app and the dev host,
// emulator request bodies, blob downloads and reports fetched by the CLI. It never buffers more than the
// limit, honours a deadline, and can drain the rest of an oversized body so that a client still writing
// reads the refusal instead of a connection reset.

export type BoundedRead =
  | { readonly ok: true; readonly bytes: Buffer }
  /** `drained`: the whole body was read (and dropped), so the connection can carry the answer and stay usable. */
  | { readonly ok: false; readonly reason: "too-large"; readonly drained: boolean };

export interface BoundedReadOptions {
  readonly limitBytes: number;
  /** The length the sender declared (Content-Length), when it did: larger than the limit is refused unread. */
  readonly declaredBytes?: number | undefined;
  /** Read and drop an oversized body up to this many bytes before answering; beyond it, stop reading. */
  readonly drainUpToBytes?: number;
  readonly abortSignal?: AbortSignal | undefined;
  /**
   * A server reading a request body: on too-large, stop reading but leave the stream open, so that the
   * refusal can still be written before the server closes the connection (cancelling a request stream
   * destroys its socket). Everyone else cancels the source, so nothing is left downloading.
   */
  readonly leaveOpenWhenTooLarge?: boolean;
}

type Chunk = Uint8Array | string;

function toBuffer(chunk: Chunk): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk);
  // Node streams hand out Buffers; web streams fresh Uint8Arrays, wrapped without a copy.
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A Content-Length header as a number, when it is one. */
export function declaredLength(header: string | string[] | null | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value);
}

/** Reads `source` (a Node stream, a web stream; none: an empty body) within the options' limit and deadline. */
export async function readBounded(source: AsyncIterable<Chunk> | null | undefined, options: BoundedReadOptions): Promise<BoundedRead> {
  const { limitBytes, declaredBytes, abortSignal } = options;
  if (!source) return { ok: true, bytes: Buffer.alloc(0) };
  const drainUpTo = Math.max(options.drainUpToBytes ?? 0, limitBytes);
  if (declaredBytes !== undefined && declaredBytes > limitBytes && declaredBytes > drainUpTo) {
    return { ok: false, reason: "too-large", drained: false };
  }
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  abortSignal?.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortSignal?.reason ?? new DOMException("The read was aborted.", "AbortError"));
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) break;
      const chunk = toBuffer(next.value);
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else chunks.length = 0;
      if (size > drainUpTo) {
        if (!options.leaveOpenWhenTooLarge) await iterator.return?.();
        return { ok: false, reason: "too-large", drained: false };
      }
    }
  } catch (error) {
    await Promise.resolve(iterator.return?.()).catch(() => undefined);
    throw error;
  } finally {
    if (onAbort) abortSignal?.removeEventListener("abort", onAbort);
  }
  return size > limitBytes ? { ok: false, reason: "too-large", drained: true } : { ok: true, bytes: Buffer.concat(chunks) };
}
