// The dev host at the transport level, serving the real app: an oversized upload always gets its 413, even
// from a client that writes the whole body before it reads (Node's http client does), and the requests
// Node's HTTP parser refuses before there is a request — oversized or too many header fields, a request
// target too long, an unknown method, NUL in the path, Content-Length with Transfer-Encoding, CONNECT —
// are answered with problem+json like every other refusal, and the host keeps serving.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startRealAppHost, testFunctionKey, type ChildDevHost } from "../fixtures/devHost.js";
import { recordOutput } from "../fixtures/secretScan.js";

interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Parses one HTTP/1.1 response with a Content-Length, as a test reads what came back on a raw socket. */
function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  return {
    status,
    headers,
    body: Buffer.from(text.slice(end + 4), "latin1")
      .subarray(0, length)
      .toString("utf8"),
  };
}

/** Writes `data` on a fresh connection, then reads until the server closes it (or the deadline passes). */
function rawExchange(url: string, data: string | Buffer, timeoutMs = 15_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString("latin1").slice(0, 200))}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer arrived is fine: what matters is what the client could read.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      recordOutput(text);
      try {
        resolve(parseAnswer(text));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(data);
  });
}

/** A PUT through Node's http client: the whole body is written before the response is read. */
function upload(
  url: string,
  body: Buffer,
  options: { chunked?: boolean } = {},
): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const request = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: "PUT",
        headers: {
          "x-functions-key": testFunctionKey,
          "content-type": "application/octet-stream",
          ...(options.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) }),
        },
        timeout: 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          recordOutput(text);
          resolve({ status: response.statusCode ?? 0, text });
        });
        response.on("error", (error) => resolve({ error: error.message }));
      },
    );
    request.on("timeout", () => request.destroy(new Error("upload timed out")));
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}

function expectProblem(answer: RawAnswer, status: number): Record<string, unknown> {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/problem+json");
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:identity-probe:problem:/) });
  expect(typeof problem.detail).toBe("string");
  return problem;
}

describe("the dev host's transport, serving the real app", () => {
  let served: Awaited<ReturnType<typeof startRealAppHost>>;
  let host: ChildDevHost;

  beforeAll(async () => {
    served = await startRealAppHost();
    host = served.host;
  }, 180_000);
  afterAll(async () => {
    const result = await served?.stop();
    expect(result?.exitCode).toBe(0);
  });

  it("answers every one of ten 25 MB uploads from Node's http client with its 413, and keeps serving", async () => {
    const body = Buffer.alloc(25 * 1000 * 1000, 7);
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const result = await upload(`${host.url}/api/blobs/hostile/too-big-${attempt}.bin`, body, { chunked: attempt % 2 === 1 });
      if ("error" in result) outcomes.push(`error ${result.error}`);
      else {
        outcomes.push(String(result.status));
        expect(JSON.parse(result.text)).toMatchObject({ status: 413, title: "Payload Too Large" });
      }
    }
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => "413"));
    expect((await call(`${host.url}/api/health/identity`)).status).toBe(200);
    const listing = await call(`${host.url}/api/blobs?prefix=hostile/`, { headers: { "x-functions-key": testFunctionKey } });
    expect(listing.json()).toMatchObject({ items: [] });
  });

  it("answers an upload over the app's 4 MiB limit with the app's 413 and writes nothing", async () => {
    const result = await upload(`${host.url}/api/blobs/hostile/five-mib.bin`, Buffer.alloc(5 * 1024 * 1024, 1));
    expect(result).toMatchObject({ status: 413 });
    expect((await call(`${host.url}/api/blobs/hostile/five-mib.bin`, { headers: { "x-functions-key": testFunctionKey } })).status).toBe(
      404,
    );
  });

  const requestLine = (target: string, method = "GET") => `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;

  const refusals: readonly (readonly [string, number, () => string | Buffer])[] = [
    ["a 100 KB header field", 431, () => `${requestLine("/api/health/identity")}X-Big: ${"a".repeat(100_000)}\r\n\r\n`],
    [
      "3,000 header fields beyond 16 KiB",
      431,
      () =>
        `${requestLine("/api/health/identity")}${Array.from({ length: 3000 }, (_, index) => `X-Header-${index}: v`).join("\r\n")}\r\n\r\n`,
    ],
    ["3,000 short header fields within 16 KiB", 431, () => `${requestLine("/api/health/identity")}${"a:1\r\n".repeat(3000)}\r\n`],
    ["a 20 KB query string", 414, () => `${requestLine(`/api/blobs?prefix=${"q".repeat(20_000)}`)}\r\n`],
    ["an unknown method", 501, () => `${requestLine("/api/health/identity", "FROB")}\r\n`],
    ["NUL in the path", 400, () => `${requestLine("/api/health/identity\u0000x")}\r\n`],
    [
      "Content-Length together with Transfer-Encoding",
      400,
      () => `${requestLine("/api/pubsub/messages", "POST")}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    ["CONNECT", 501, () => "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n"],
    ["bytes that are not HTTP (a TLS ClientHello)", 400, () => Buffer.from("160301020001000100", "hex")],
  ];
  it.each(refusals)("answers %s with a %i problem+json body", async (_case, status, data) => {
    expectProblem(await rawExchange(host.url, data()), status);
    // The refusal closed one connection; the host still serves the next.
    expect((await call(`${host.url}/api/health/identity`)).status).toBe(200);
  });
});
