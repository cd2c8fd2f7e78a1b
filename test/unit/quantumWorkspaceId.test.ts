import { describe, expect, it } from "vitest";
import { parseWorkspaceId } from "../../src/services/quantum/workspaceId.js";

const subscription = "00000000-1d00-4000-8000-000000000001";
const canonical = `/subscriptions/${subscription}/resourceGroups/rg-1/providers/Microsoft.Quantum/Workspaces/ws-1`;

describe("Quantum workspace ARM IDs", () => {
  it.each([
    ["the canonical form", canonical],
    [
      "the portal's lower-case segment names",
      `/subscriptions/${subscription}/resourcegroups/rg-1/providers/microsoft.quantum/workspaces/ws-1`,
    ],
    ["a trailing slash", `${canonical}/`],
    ["surrounding whitespace", `  ${canonical}\n`],
    ["an upper-case subscription GUID", canonical.replace(subscription, subscription.toUpperCase())],
  ])("parses %s into its coordinates and the canonical ID", (_case, value) => {
    expect(parseWorkspaceId(value)).toEqual({
      ok: true,
      value: { subscriptionId: subscription, resourceGroup: "rg-1", workspaceName: "ws-1", id: canonical },
    });
  });

  it("keeps the resource group and workspace names as written", () => {
    const result = parseWorkspaceId(
      `/subscriptions/${subscription}/resourceGroups/My.Group_2/providers/Microsoft.Quantum/Workspaces/Quantum-WS`,
    );
    expect(result).toMatchObject({ ok: true, value: { resourceGroup: "My.Group_2", workspaceName: "Quantum-WS" } });
  });

  it.each([
    ["an empty value", "", "must be the workspace's ARM resource ID"],
    ["a workspace name alone", "ws-1", "must be the workspace's ARM resource ID"],
    [
      "another resource type",
      `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct`,
      "must be the workspace's ARM resource ID",
    ],
    ["a child resource", `${canonical}/jobs/1`, "must be the workspace's ARM resource ID"],
    [
      "a missing workspace name",
      `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.Quantum/Workspaces/`,
      "workspace name shorter than 2",
    ],
    ["a subscription that is not a GUID", canonical.replace(subscription, "my-subscription"), "subscription ID that is not a GUID"],
    ["a resource group name over 90 characters", canonical.replace("rg-1", "r".repeat(91)), "resource group name longer than 90"],
    [
      "a resource group starting with a digit",
      canonical.replace("rg-1", "1rg"),
      "resource group name the Quantum data plane does not accept",
    ],
    ["a workspace name with a space", canonical.replace("ws-1", "ws 1"), "workspace name that is not valid"],
    ["a workspace name over 50 characters", canonical.replace("ws-1", `w${"s".repeat(50)}`), "workspace name longer than 50"],
    ["a URL instead of an ID", `https://management.azure.com${canonical}`, "must be the workspace's ARM resource ID"],
    ["something very long", `/subscriptions/${"x".repeat(2000)}`, "too long"],
  ])("refuses %s with a readable message", (_case, value, message) => {
    const result = parseWorkspaceId(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});
