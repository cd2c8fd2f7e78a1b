// Node's parse errors (llhttp codes) → the dev host's problem+json refusal.
import { describe, expect, it } from "vitest";
import { refusalFor } from "../../local/devHost/transportRefusal.js";

const packet = (text: string): Buffer => Buffer.from(text, "latin1");

describe("transport refusals", () => {
  it.each([
    ["header fields too large", { code: "HPE_HEADER_OVERFLOW", rawPacket: packet(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(20_000)}`) }, 431],
    [
      "a request target too long",
      { code: "HPE_HEADER_OVERFLOW", rawPacket: packet(`GET /?q=${"a".repeat(20_000)} HTTP/1.1\r\n\r\n`) },
      414,
    ],
    ["a request line cut mid-target", { code: "HPE_HEADER_OVERFLOW", rawPacket: packet(`GET /?q=${"a".repeat(2_000)}`) }, 414],
    ["a later packet of a long header", { code: "HPE_HEADER_OVERFLOW", rawPacket: packet("a".repeat(2_000)) }, 431],
    ["an unknown method", { code: "HPE_INVALID_METHOD", rawPacket: packet("FROB / HTTP/1.1\r\n\r\n") }, 501],
    ["bytes that are not a request line", { code: "HPE_INVALID_METHOD", rawPacket: Buffer.from([0x16, 0x03, 0x01, 0x02]) }, 400],
    ["NUL in the target", { code: "HPE_INVALID_URL" }, 400],
    ["Content-Length with Transfer-Encoding", { code: "HPE_INVALID_TRANSFER_ENCODING" }, 400],
    ["a bad Content-Length", { code: "HPE_INVALID_CONTENT_LENGTH" }, 400],
    ["chunk extensions too large", { code: "HPE_CHUNK_EXTENSIONS_OVERFLOW" }, 413],
    ["a request timeout", { code: "ERR_HTTP_REQUEST_TIMEOUT" }, 408],
    ["any other parse error", { code: "HPE_INVALID_HEADER_TOKEN" }, 400],
  ] as const)("answers %s with %i", (_case, error, status) => {
    expect(refusalFor(error)?.status).toBe(status);
  });

  it("answers nobody when the client went away", () => {
    expect(refusalFor({ code: "ECONNRESET" })).toBeUndefined();
    expect(refusalFor({ code: "EPIPE" })).toBeUndefined();
  });

  it("names a parse error's code, never the bytes that caused it", () => {
    const refusal = refusalFor({ code: "HPE_INVALID_HEADER_TOKEN", rawPacket: packet("GET / HTTP/1.1\r\nsecret-token: abc\r\n") });
    expect(refusal?.detail).toBe("The request is not valid HTTP/1.1 (HPE_INVALID_HEADER_TOKEN).");
  });
});
