// Web PubSub names: the spec's rules, plus the one that keeps a name from changing the operation — a user
// ID, group or connection ID that URL normalisation would remove as a dot segment.
import { describe, expect, it } from "vitest";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  isDotSegment,
  isWebPubSubNameError,
  webPubSubConnectionId,
  webPubSubGroupName,
  webPubSubHubName,
  webPubSubUserId,
} from "../../src/services/webpubsub/webPubSubNames.js";
import { createWebPubSubService } from "../../src/services/webpubsub/webPubSubService.js";

describe("Web PubSub names", () => {
  it.each([".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e", "%2e%2E"])("treats %j as a dot segment, as the URL Standard does", (name) => {
    expect(isDotSegment(name)).toBe(true);
    // What URL parsing does with it, the reason for the rule: the segment disappears from the path.
    const path = `/api/hubs/h/users/${name}/:send`;
    expect(new URL(`https://example.test${path}`).pathname.split("/").length).toBeLessThan(path.split("/").length);
  });

  it.each(["...", ". .", "a.", ".a", "%2e%2e%2e", "%2f", "..%2F", "%252e", " ..", ".. "])("treats %j as an ordinary name", (name) => {
    expect(isDotSegment(name)).toBe(false);
    const path = `/api/hubs/h/users/${name}/:send`;
    expect(new URL(`https://example.test${path}`).pathname.split("/").length).toBe(path.split("/").length);
  });

  it.each([
    ["userId", webPubSubUserId],
    ["group", webPubSubGroupName],
    ["connectionId", webPubSubConnectionId],
  ] as const)("refuses %s '.' and '..' and their percent-encoded spellings, naming the field", (field, schema) => {
    for (const name of [".", "..", "%2e", ".%2E"]) {
      const result = schema.safeParse(name);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(new RegExp(`^${field} must not be '\\.' or '\\.\\.'`));
    }
    expect(schema.safeParse("alice").success).toBe(true);
    expect(schema.safeParse("").success).toBe(false);
    expect(schema.safeParse("x".repeat(1025)).success).toBe(false);
  });

  it("keeps the spec's group and hub rules", () => {
    expect(webPubSubGroupName.safeParse("   ").success).toBe(false);
    expect(webPubSubGroupName.safeParse("a\nb").success).toBe(false);
    expect(webPubSubHubName.safeParse("identityprobe").success).toBe(true);
    expect(webPubSubHubName.safeParse("1hub").success).toBe(false);
  });
});

describe("the Web PubSub service module", () => {
  // No token is ever asked for: the refusal happens before the SDK builds a request.
  let tokenRequests = 0;
  const credential: TokenCredential = {
    getToken: (): Promise<AccessToken> => {
      tokenRequests += 1;
      return Promise.reject(new Error("no token in this test"));
    },
  };
  const service = createWebPubSubService({ endpoint: "https://127.0.0.1:9", hub: "identityprobe", credential });

  it.each([
    [{ userId: ".." }, "userId"],
    [{ userId: "%2e" }, "userId"],
    [{ group: "." }, "group"],
    [{ group: "%2E%2E" }, "group"],
  ])("refuses to send to %j before any call, naming %s", async (target, field) => {
    const error: unknown = await service
      .sendMessage({ message: "x", contentType: "text/plain", ...target })
      .catch((caught: unknown) => caught);
    expect(isWebPubSubNameError(error)).toBe(true);
    expect(error).toMatchObject({ field });
    await expect(service.publishToGroup("..", { x: 1 })).rejects.toMatchObject({ field: "group" });
    await expect(service.mintClientUrl({ userId: ".." })).rejects.toMatchObject({ field: "userId" });
    expect(tokenRequests).toBe(0);
  });
});
