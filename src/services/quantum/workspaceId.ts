// The Azure Quantum workspace an app talks to, from its ARM resource ID. The data-plane paths carry the
// three coordinates (spec 2026-08-01-preview: /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/
// providers/Microsoft.Quantum/workspaces/{workspaceName}/…), so they are validated here with the spec's
// own parameter patterns: a value the service would refuse is a configuration problem, reported at startup.
import { z } from "zod";
import { guidPattern } from "../../shared/guid.js";

export interface QuantumWorkspaceId {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  /** The canonical ARM ID (segment names in their documented casing). */
  id: string;
}

// ARM segment names are case-insensitive (the portal shows `resourcegroups`, Bicep `resourceGroups`).
const armIdShape = /^\/subscriptions\/([^/]*)\/resourcegroups\/([^/]*)\/providers\/microsoft\.quantum\/workspaces\/([^/]*)\/?$/i;

// spec: CommonParams.subscriptionId / resourceGroupName / workspaceName patterns and lengths.
const subscriptionId = z
  .string()
  .regex(guidPattern, "has a subscription ID that is not a GUID")
  .transform((value) => value.toLowerCase());
const resourceGroup = z
  .string()
  .min(1, "has an empty resource group name")
  .max(90, "has a resource group name longer than 90 characters")
  .regex(
    /^[a-zA-Z][a-zA-Z0-9\-_.]*$/,
    "has a resource group name the Quantum data plane does not accept (a letter, then letters, digits, '-', '_' or '.')",
  );
const workspaceName = z
  .string()
  .min(2, "has a workspace name shorter than 2 characters")
  .max(50, "has a workspace name longer than 50 characters")
  .regex(/^[a-zA-Z][a-zA-Z0-9\-_]*$/, "has a workspace name that is not valid (a letter, then letters, digits, '-' or '_')");

const workspaceIdSchema = z
  .string()
  .trim()
  .max(1024, "is too long to be an ARM resource ID")
  .transform((value, ctx) => {
    const match = armIdShape.exec(value);
    if (!match) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be the workspace's ARM resource ID: /subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.Quantum/Workspaces/<workspace-name>",
      });
      return z.NEVER;
    }
    return { subscriptionId: match[1] ?? "", resourceGroup: match[2] ?? "", workspaceName: match[3] ?? "" };
  })
  .pipe(z.object({ subscriptionId, resourceGroup, workspaceName }))
  .transform((parts): QuantumWorkspaceId => ({
    ...parts,
    id: `/subscriptions/${parts.subscriptionId}/resourceGroups/${parts.resourceGroup}/providers/Microsoft.Quantum/Workspaces/${parts.workspaceName}`,
  }));

export function parseWorkspaceId(value: string): { ok: true; value: QuantumWorkspaceId } | { ok: false; message: string } {
  const result = workspaceIdSchema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: result.error.issues.map((issue) => issue.message).join("; ") };
}
