// Azure Quantum: job submission through the workspace's data plane, with a bearer token for
// https://quantum.microsoft.com. Role: Quantum Workspace Data Contributor (c1410b24-3e69-4857-8f86-4d0a2e603250;
// learn built-in-roles, dataActions `Microsoft.Quantum/Workspaces/jobs/read` and `…/jobs/write`).
import { z } from "zod";
import { httpsEndpointSchema } from "../config.js";
import { defaultQuantumApiVersion } from "../services/quantum/quantumClient.js";
import { createQuantumJobService, type QuantumJobService } from "../services/quantum/quantumJobService.js";
import { parseWorkspaceId, type QuantumWorkspaceId } from "../services/quantum/workspaceId.js";
import { perCredential, type ResourceDefinition } from "./resourceDefinition.js";

export interface QuantumSettings {
  readonly endpoint: string;
  readonly workspace: QuantumWorkspaceId;
  /** The data-plane api-version the client sends (AZURE_QUANTUM_API_VERSION). */
  readonly apiVersion: string;
}

const jobs = "Microsoft.Quantum/Workspaces/jobs";

/** Azure api-versions are dates, optionally with a `-preview` suffix (e.g. 2026-01-15-preview). */
const apiVersionSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, "must be a Quantum data-plane api-version such as 2026-01-15-preview");

const workspaceIdSchema = z.string().transform((value, ctx) => {
  const parsed = parseWorkspaceId(value);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: "custom", message: parsed.message });
  return z.NEVER;
});

export const quantum: ResourceDefinition<QuantumSettings, QuantumJobService> = {
  component: "quantum",
  displayName: "Azure Quantum",
  audience: "https://quantum.microsoft.com",
  endpointSetting: "AZURE_QUANTUM_ENDPOINT",
  settingNames: ["AZURE_QUANTUM_ENDPOINT", "AZURE_QUANTUM_WORKSPACE_ID", "AZURE_QUANTUM_API_VERSION"],
  scopeSetting: "AZURE_QUANTUM_WORKSPACE_ID",
  dataRole: { name: "Quantum Workspace Data Contributor", id: "c1410b24-3e69-4857-8f86-4d0a2e603250" },
  failureSignatures: [
    {
      // No public capture shows the body; the status is the spec's: every route is under the workspace, and
      // azure-quantum-python maps 404 to ResourceNotFoundError (_client/operations error_map).
      id: "quantum-workspace-not-found",
      scenario: "Azure Quantum: no such workspace at this endpoint",
      match: { origin: "resource", status: [404] },
      category: "misconfigured",
      remediation:
        "{endpoint} knows no workspace {scope}: check AZURE_QUANTUM_WORKSPACE_ID, and that AZURE_QUANTUM_ENDPOINT is the workspace's region " +
        "(https://<region>.quantum.azure.com).",
      source:
        "spec 2026-08-01-preview (Jobs_List under /workspaces/{workspaceName}); microsoft/azure-quantum-python _client error_map (404 ResourceNotFoundError)",
      evidence: "documented",
      sample: { kind: "http", status: 404, headers: {}, body: "" },
    },
  ],
  operations: {
    // Jobs_List (top=1) reads what submitting writes: the same data role.
    listJobs: { dataActions: [`${jobs}/read`] },
    getJob: { dataActions: [`${jobs}/read`] },
    // Storage_GetSasUri and Jobs_Create; Jobs_Cancel changes the job too.
    submitJob: { dataActions: [`${jobs}/write`] },
    cancelJob: { dataActions: [`${jobs}/write`] },
  },
  accessOperation: "listJobs",

  readSettings(reader) {
    const endpoint = reader.parse("AZURE_QUANTUM_ENDPOINT", httpsEndpointSchema);
    const workspace = reader.parse("AZURE_QUANTUM_WORKSPACE_ID", workspaceIdSchema);
    const apiVersion = reader.parse("AZURE_QUANTUM_API_VERSION", apiVersionSchema, defaultQuantumApiVersion);
    const isEndpointSet = reader.raw("AZURE_QUANTUM_ENDPOINT") !== undefined;
    const isWorkspaceSet = reader.raw("AZURE_QUANTUM_WORKSPACE_ID") !== undefined;
    if (isEndpointSet && !isWorkspaceSet)
      reader.problem(
        "AZURE_QUANTUM_WORKSPACE_ID",
        "AZURE_QUANTUM_WORKSPACE_ID must be set with AZURE_QUANTUM_ENDPOINT (the workspace's ARM resource ID)",
      );
    if (isWorkspaceSet && !isEndpointSet)
      reader.problem(
        "AZURE_QUANTUM_ENDPOINT",
        "AZURE_QUANTUM_ENDPOINT must be set with AZURE_QUANTUM_WORKSPACE_ID (e.g. https://westus.quantum.azure.com)",
      );
    return endpoint && workspace ? { endpoint, workspace, apiVersion } : undefined;
  },

  accessTarget: (settings) => ({
    componentId: `${settings.endpoint}${settings.workspace.id}`,
    endpoint: settings.endpoint,
    scope: settings.workspace.id,
  }),

  createAccessCheck(settings) {
    const serviceFor = perCredential((credential) => createQuantumJobService({ ...settings, credential, retries: 0 }));
    return (credential, abortSignal) => serviceFor(credential).checkAccess({ abortSignal });
  },

  createService: (settings, credential) => createQuantumJobService({ ...settings, credential }),
};
