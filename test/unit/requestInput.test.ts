// How the app reads what a request carries: JSON bodies with a bounded depth, and query parameters from
// the URL as sent, where a repeat is still visible (request.query has it joined with a comma).
import { describe, expect, it } from "vitest";
import { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { maxJsonDepth, parseJson } from "../../src/http/readBody.js";
import { parseQuery } from "../../src/http/queryParameters.js";

const nested = (depth: number): Buffer => Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`);

describe("JSON bodies", () => {
  it("accepts a body nested exactly as deep as allowed and refuses one level more", () => {
    expect(parseJson(nested(maxJsonDepth))).toMatchObject({ ok: true });
    expect(parseJson(nested(maxJsonDepth + 1))).toEqual({
      ok: false,
      message: `The request body nests objects or arrays more than ${maxJsonDepth} levels deep.`,
    });
  });

  it("measures objects and arrays alike, and scalars not at all", () => {
    const objects = Buffer.from(`${'{"a":'.repeat(maxJsonDepth + 1)}1${"}".repeat(maxJsonDepth + 1)}`);
    expect(parseJson(objects)).toMatchObject({ ok: false });
    expect(parseJson(Buffer.from('"just a string"'))).toEqual({ ok: true, value: "just a string" });
    const wide = Buffer.from(JSON.stringify({ items: Array.from({ length: 50_000 }, (_, index) => ({ index })) }));
    expect(parseJson(wide)).toMatchObject({ ok: true });
  });

  it("measures half a million levels without overflowing the stack", () => {
    expect(parseJson(nested(500_000))).toMatchObject({ ok: false });
  });
});

describe("query parameters", () => {
  const schema = z.object({ userId: z.string().optional(), limit: z.coerce.number().optional() });
  const request = (query: string) => new HttpRequest({ method: "GET", url: `http://127.0.0.1:7071/api/x${query}`, query: {} });

  it("refuses a repeat that the host's query map would join", () => {
    // What the Functions host sends the worker for ?userId=a&userId=b (azure-functions-nodejs-library#168).
    const joined = new HttpRequest({ method: "GET", url: "http://127.0.0.1:7071/api/x?userId=a&userId=b", query: { userId: "a,b" } });
    expect(joined.query.get("userId")).toBe("a,b");
    const parsed = parseQuery(joined, schema);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(JSON.parse(String(parsed.response.body))).toMatchObject({
        status: 400,
        detail: "The query parameter 'userId' is given more than once.",
      });
  });

  it("reads each parameter once from the URL, skipping the function key", () => {
    expect(parseQuery(request("?userId=a%2Cb&limit=5&code=key"), schema)).toEqual({ ok: true, value: { userId: "a,b", limit: 5 } });
    expect(parseQuery(request("?code=one&code=two"), schema)).toEqual({ ok: true, value: {} });
  });

  it("keeps a parameter named __proto__ a plain value", () => {
    const parsed = parseQuery(request("?__proto__=x&userId=u"), z.looseObject({ userId: z.string() }));
    expect(parsed).toMatchObject({ ok: true, value: { userId: "u" } });
    expect(Object.getPrototypeOf(parsed.ok ? parsed.value : null)).toBe(Object.prototype);
  });
});
