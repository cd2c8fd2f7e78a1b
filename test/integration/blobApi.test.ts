import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobServiceClient } from "@azure/storage-blob";
import { ManagedIdentityCredential } from "@azure/identity";
import { blobItem } from "../../src/functions/blobItem.js";
import { blobList } from "../../src/functions/blobList.js";
import { capturedOutput, invokeHttp } from "../fixtures/appUnderTest.js";
import { startSpineApp, type SpineApp } from "../fixtures/spineApp.js";

describe("blob API against Azurite with bearer tokens", () => {
  let spine: SpineApp;
  const put = (name: string, body: string | Buffer, options: { query?: Record<string, string>; headers?: Record<string, string> } = {}) =>
    invokeHttp(blobItem, {
      method: "PUT",
      params: { name },
      body,
      headers: { "content-type": "text/plain", ...options.headers },
      query: options.query ?? {},
    });
  const get = (name: string) => invokeHttp(blobItem, { method: "GET", params: { name } });

  beforeAll(async () => {
    spine = await startSpineApp();
  });
  afterAll(async () => {
    await spine?.close();
  });

  it("uploads a blob create-only and reads it back with its content type", async () => {
    const created = await put("docs/hello.txt", "hello world");
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ name: "docs/hello.txt", size: 11, contentType: "text/plain" });
    expect(created.headers.get("location")).toBe("/api/blobs/docs/hello.txt");
    const read = await get("docs/hello.txt");
    expect(read.status).toBe(200);
    expect(read.text).toBe("hello world");
    expect(read.headers.get("content-type")).toBe("text/plain");
    expect(read.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuses to overwrite without ?overwrite=true and leaves the original bytes unchanged", async () => {
    expect((await put("keep.txt", "original")).status).toBe(201);
    const conflict = await put("keep.txt", "replacement");
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get("content-type")).toBe("application/problem+json");
    expect(conflict.json()).toMatchObject({ status: 409, title: "Blob exists" });
    // Read the bytes in storage directly, not through the app.
    const direct = new BlobServiceClient(spine.azurite.blobEndpoint, new ManagedIdentityCredential())
      .getContainerClient("identity-probe")
      .getBlobClient("keep.txt");
    expect((await direct.downloadToBuffer()).toString()).toBe("original");
    expect((await put("keep.txt", "replacement", { query: { overwrite: "true" } })).status).toBe(201);
    expect((await get("keep.txt")).text).toBe("replacement");
  });

  it("refuses bodies over 4 MiB with 413 and writes nothing", async () => {
    const response = await put("big.bin", Buffer.alloc(4 * 1024 * 1024 + 1), { headers: { "content-type": "application/octet-stream" } });
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ status: 413 });
    expect((await get("big.bin")).status).toBe(404);
  });

  it("accepts exactly 4 MiB", async () => {
    expect(
      (await put("exact.bin", Buffer.alloc(4 * 1024 * 1024, 7), { headers: { "content-type": "application/octet-stream" } })).status,
    ).toBe(201);
  });

  it.each([
    ["", /required/],
    ["../secret", /'\.\.'/],
    ["a/../../b", /'\.\.'/],
    ["back\\slash", /backslash/],
    ["ctl\u0001char", /control/],
    ["x".repeat(1025), /1025/],
  ])("rejects the hostile name %j with 400 and writes nothing", async (name, message) => {
    const response = await put(name, "x");
    expect(response.status).toBe(400);
    expect(response.json<{ detail: string }>().detail).toMatch(message);
  });

  it.each([
    [{ overwrite: "yes" }, /overwrite/],
    [{ overwrite: "" }, /overwrite/],
  ])("rejects bad query values %j", async (query, message) => {
    const response = await put("q.txt", "x", { query });
    expect(response.status).toBe(400);
    expect(response.json<{ detail: string }>().detail).toMatch(message);
  });

  it("rejects a malformed content type", async () => {
    expect((await put("ct.txt", "x", { headers: { "content-type": "not a type" } })).status).toBe(400);
  });

  it("deletes a blob, then says it is gone", async () => {
    await put("gone.txt", "bye");
    expect((await invokeHttp(blobItem, { method: "DELETE", params: { name: "gone.txt" } })).status).toBe(204);
    expect((await invokeHttp(blobItem, { method: "DELETE", params: { name: "gone.txt" } })).status).toBe(404);
    expect((await get("gone.txt")).status).toBe(404);
  });

  it("lists blobs by prefix in pages", async () => {
    for (const index of [1, 2, 3]) await put(`list/item-${index}.txt`, String(index));
    const first = await invokeHttp(blobList, { query: { prefix: "list/", limit: "2" } });
    expect(first.status).toBe(200);
    const page = first.json<{ items: { name: string }[]; continuation?: string }>();
    expect(page.items.map((item) => item.name)).toEqual(["list/item-1.txt", "list/item-2.txt"]);
    expect(page.continuation).toBeTruthy();
    const second = await invokeHttp(blobList, { query: { prefix: "list/", limit: "2", continuation: page.continuation ?? "" } });
    expect(second.json<{ items: { name: string }[] }>().items.map((item) => item.name)).toEqual(["list/item-3.txt"]);
  });

  it.each([
    [{ limit: "0" }, /limit/],
    [{ limit: "abc" }, /limit/],
    [{ limit: "1.5" }, /limit/],
    [{ limit: "100000" }, /limit/],
    [{ prefix: "a\u0000" }, /prefix/],
    [{ continuation: "<script>" }, /continuation/],
  ])("rejects bad list query %j with 400", async (query, message) => {
    const response = await invokeHttp(blobList, { query });
    expect(response.status).toBe(400);
    expect(response.json<{ detail: string }>().detail).toMatch(message);
  });

  it("answers a continuation token storage did not issue with 400, not 500", async () => {
    const response = await invokeHttp(blobList, { query: { continuation: "Zm9yZ2VkLXRva2Vu" } });
    expect([200, 400]).toContain(response.status);
  });

  it("never puts a token or the identity header into a response or log line", () => {
    const everything = capturedOutput.join("\n");
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(everything).not.toContain(spine.identityEndpoint.identityHeader);
  });
});
