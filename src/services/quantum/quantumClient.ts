// A typed client for the Azure Quantum data plane (spec "Azure Quantum Workspace Services"), built on
// @azure-rest/core-client: bearer tokens for https://quantum.microsoft.com/.default from the TokenCredential it
// is given, the SDK's retry policy, api-version on every request. Only the operations this app uses are here;
// each method cites its operationId.
//
// api-version: by default the one Microsoft's own Python SDK sends (azure-quantum-python
// `azure/quantum/_client/_configuration.py`: `api_version: str = kwargs.pop("api_version", "2026-01-15-preview")`),
// which is the version proven in production; AZURE_QUANTUM_API_VERSION overrides it. The operations used here
// have the same routes, bodies and responses in 2026-01-15-preview (azure-rest-api-specs
// specification/quantum/data-plane/Microsoft.Quantum/preview/2026-01-15-preview/quantum.json) and
// 2026-08-01-preview: the later version only adds Jobs_Resume, Jobs_GetQueuePosition and JobDetails fields
// (resumeCount, shots*) that this client does not read.
import type { TokenCredential } from "@azure/core-auth";
import { getClient, createRestError, type Client, type PathUncheckedResponse } from "@azure-rest/core-client";
import { RestError } from "@azure/core-rest-pipeline";
import type { z } from "zod";
import {
  jobDetailsSchema,
  pagedJobDetailsSchema,
  pagedProviderStatusSchema,
  sasUriResponseSchema,
  type JobDetails,
  type JobDetailsInput,
  type PagedJobDetails,
  type ProviderStatus,
} from "./jobDetails.js";
import { QuantumInputError } from "./quantumInputError.js";
import type { QuantumWorkspaceId } from "./workspaceId.js";

/** The data-plane api-version azure-quantum-python sends by default (see above). */
export const defaultQuantumApiVersion = "2026-01-15-preview";
/** spec: securityDefinitions.AzureEntraAuth. */
export const quantumScope = "https://quantum.microsoft.com/.default";

export interface QuantumOperationOptions {
  abortSignal?: AbortSignal;
}

export interface ListJobsOptions extends QuantumOperationOptions {
  /** Page size (spec: `top`, no `$`). */
  top?: number;
  skip?: number;
  /** OData-style filter as the SDKs write it, e.g. `Target eq 'ionq.simulator'`. */
  filter?: string;
  /** e.g. `CreationTime desc`. */
  orderby?: string;
  /** A `nextLink` from a previous page; the other options are ignored when it is given. */
  nextLink?: string;
}

export interface QuantumClient {
  readonly workspace: QuantumWorkspaceId;
  /** Storage_GetSasUri: a SAS URL for a container (the service creates it if missing) or one blob in the workspace's storage. */
  getSasUri(blob: { containerName: string; blobName?: string }, options?: QuantumOperationOptions): Promise<string>;
  /** Jobs_Create: 201 for a new job, 200 when the ID already exists (`created` tells which). */
  putJob(jobId: string, job: JobDetailsInput, options?: QuantumOperationOptions): Promise<{ job: JobDetails; created: boolean }>;
  /** Jobs_Get. */
  getJob(jobId: string, options?: QuantumOperationOptions): Promise<JobDetails>;
  /** Jobs_List: one page; follow `nextLink` with `{ nextLink }`. */
  listJobs(options?: ListJobsOptions): Promise<PagedJobDetails>;
  /** Jobs_Cancel (`POST jobs/{jobId}:cancel`), then the job as it stands: the service answers 200 or 204. */
  cancelJob(jobId: string, options?: QuantumOperationOptions): Promise<JobDetails>;
  /** Providers_List, every page. */
  listProviderStatus(options?: QuantumOperationOptions): Promise<ProviderStatus[]>;
}

const maxProviderPages = 20;

/** The response body, or a RestError carrying the service's ErrorResponse code and message. */
function parseResponse<T>(response: PathUncheckedResponse, expected: readonly string[], schema: z.ZodType<T>): T {
  if (!expected.includes(response.status)) throw createRestError(response);
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) {
    throw new RestError(`The Quantum service answered ${response.status} with a body that is not the documented shape.`, {
      code: "UnexpectedResponse",
      statusCode: Number(response.status),
    });
  }
  return parsed.data;
}

export interface QuantumClientOptions {
  endpoint: string;
  workspace: QuantumWorkspaceId;
  credential: TokenCredential;
  /** The data-plane api-version (AZURE_QUANTUM_API_VERSION); defaultQuantumApiVersion when unset. */
  apiVersion?: string;
  /** 0 for access checks: a service error is reported as such, on time, not retried into a timeout. */
  retries?: number;
}

export function createQuantumClient(options: QuantumClientOptions): QuantumClient {
  const endpoint = options.endpoint.replace(/\/+$/, "");
  const { workspace } = options;
  const client: Client = getClient(endpoint, options.credential, {
    credentials: { scopes: [quantumScope] },
    apiVersion: options.apiVersion ?? defaultQuantumApiVersion,
    retryOptions: { maxRetries: options.retries ?? 3, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 },
    userAgentOptions: { userAgentPrefix: "identity-probe" },
  });
  const workspacePath =
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Quantum/workspaces/{workspaceName}";
  const coordinates = [workspace.subscriptionId, workspace.resourceGroup, workspace.workspaceName] as const;
  const workspaceRoute = (suffix: string, ...rest: string[]) =>
    // pathUnchecked types its parameters from the template literal; this template is built at run time.
    (client.pathUnchecked as (path: string, ...parameters: string[]) => ReturnType<Client["pathUnchecked"]>)(
      `${workspacePath}${suffix}`,
      ...coordinates,
      ...rest,
    );
  const jobsPathPrefix = `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.Quantum/workspaces/${workspace.workspaceName}/jobs`;

  /** A nextLink is followed only within this workspace's jobs on this endpoint: the bearer token goes nowhere else. */
  function nextLinkPath(nextLink: string): string {
    let url: URL;
    try {
      url = new URL(nextLink, `${endpoint}/`);
    } catch {
      throw new QuantumInputError("The continuation is not a link this app issued.");
    }
    if (url.origin !== new URL(endpoint).origin || url.pathname.toLowerCase() !== jobsPathPrefix.toLowerCase())
      throw new QuantumInputError("The continuation does not point at this workspace's job list.");
    return `${url.pathname}${url.search}`;
  }

  /** Jobs_Get. */
  async function getJob(jobId: string, { abortSignal }: QuantumOperationOptions = {}): Promise<JobDetails> {
    const response = await workspaceRoute("/jobs/{jobId}", jobId).get({ abortSignal });
    return parseResponse(response, ["200"], jobDetailsSchema);
  }

  return {
    workspace,
    async getSasUri(blob, { abortSignal } = {}) {
      const body = { containerName: blob.containerName, ...(blob.blobName !== undefined ? { blobName: blob.blobName } : {}) };
      const response = await workspaceRoute("/storage/sasUri").post({ body, abortSignal });
      return parseResponse(response, ["200"], sasUriResponseSchema).sasUri;
    },
    async putJob(jobId, job, { abortSignal } = {}) {
      const response = await workspaceRoute("/jobs/{jobId}", jobId).put({ body: job, abortSignal });
      return { job: parseResponse(response, ["200", "201"], jobDetailsSchema), created: response.status === "201" };
    },
    getJob,
    async listJobs({ abortSignal, nextLink, top, skip, filter, orderby } = {}) {
      const response =
        nextLink !== undefined
          ? await client.pathUnchecked(nextLinkPath(nextLink)).get({ abortSignal })
          : await workspaceRoute("/jobs").get({ abortSignal, queryParameters: { top, skip, filter, orderby } });
      return parseResponse(response, ["200"], pagedJobDetailsSchema);
    },
    async cancelJob(jobId, { abortSignal } = {}) {
      const response = await workspaceRoute("/jobs/{jobId}:cancel", jobId).post({ abortSignal });
      // The spec says 200 with JobDetails, but production answers 204 No Content. azure-quantum-python
      // `workspace.py` Workspace.cancel_job: "because of historical behavior of the service, the 204 No Content
      // response is returned when cancellation request is succeeded" — it catches the 204, then reads the job
      // back with Jobs_Get. This client does the same.
      if (response.status === "204") return getJob(jobId, { abortSignal });
      return parseResponse(response, ["200"], jobDetailsSchema);
    },
    async listProviderStatus({ abortSignal } = {}) {
      const providers: ProviderStatus[] = [];
      let response = await workspaceRoute("/providerStatus").get({ abortSignal });
      for (let page = 1; ; page += 1) {
        const parsed = parseResponse(response, ["200"], pagedProviderStatusSchema);
        providers.push(...parsed.value);
        if (!parsed.nextLink || page >= maxProviderPages) return providers;
        const next = new URL(parsed.nextLink, `${endpoint}/`);
        if (next.origin !== new URL(endpoint).origin)
          throw new RestError("The providerStatus nextLink points at another host.", { code: "UnexpectedResponse" });
        response = await client.pathUnchecked(`${next.pathname}${next.search}`).get({ abortSignal });
      }
    },
  };
}
