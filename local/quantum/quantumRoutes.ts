// The emulated operations of spec "Azure Quantum Workspace Services" (2026-01-15-preview and 2026-08-01-preview
// have the same shapes for these), one route each, under
// /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Quantum/workspaces/{workspaceName}.
// Each names its operationId and the data action it needs; the router (quantumEmulator.ts) has already checked
// the api-version, the token, the workspace and the job ID by the time a handler runs.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { parseJobCreateRequest } from "./jobCreateRequest.js";
import { parseJobListQuery } from "./jobListQuery.js";
import { blobNameProblem, containerNameProblem, type LinkedStorage } from "./linkedStorage.js";
import type { QuantumCaller, QuantumDataAction } from "./quantumAuthorization.js";
import type { QuantumJobStore } from "./quantumJobStore.js";
import { providerStatusPage } from "./quantumProviders.js";
import { readJsonBody, readRequestBody } from "./quantumRequestBody.js";
import { QuantumServiceError } from "./quantumServiceError.js";

export interface RouteContext {
  readonly request: IncomingMessage;
  readonly url: URL;
  /** The endpoint clients reach this emulator at, for nextLinks. */
  readonly endpoint: string;
  readonly jobId: string | undefined;
  readonly caller: QuantumCaller;
  readonly store: QuantumJobStore;
  readonly storage: LinkedStorage;
  readonly apiVersion: string;
  /** Jobs_Cancel: 204 as production answers, or 200 with JobDetails as the spec says. */
  readonly cancelResponse: "production" | "spec";
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
}

export interface QuantumRoute {
  readonly operationId: string;
  readonly method: "GET" | "PUT" | "POST" | "DELETE";
  /** Matched against the path after the workspace, case-insensitively; group 1 is the job ID. */
  readonly suffix: RegExp;
  readonly action: QuantumDataAction;
  handle(context: RouteContext): Promise<RouteResult>;
}

const read = "Microsoft.Quantum/Workspaces/jobs/read" as const;
const write = "Microsoft.Quantum/Workspaces/jobs/write" as const;
const smallBodyBytes = 16 * 1024;
/** JobDetails is small by design ("inputParams … expected to be small", spec); the circuit travels in storage. */
const jobBodyBytes = 256 * 1024;

const blobDetailsSchema = z.object(
  {
    containerName: z.string("is required (a string)").max(63, "must be at most 63 characters"),
    blobName: z.string("must be a string").max(1024, "must be at most 1024 characters").nullish(),
  },
  "The request body must be a JSON object (BlobDetails).",
);

function jobOrNotFound(context: RouteContext) {
  const job = context.store.get(context.jobId ?? "");
  if (!job) throw new QuantumServiceError(404, "JobNotFound", `The job '${context.jobId ?? ""}' was not found in this workspace.`);
  return job;
}

export const quantumRoutes: readonly QuantumRoute[] = [
  {
    operationId: "Storage_GetSasUri",
    method: "POST",
    suffix: /^\/storage\/sasUri$/i,
    // The SAS can write, and a container is created: a write operation.
    action: write,
    async handle({ request, storage }) {
      const parsed = blobDetailsSchema.safeParse(await readJsonBody(request, smallBodyBytes));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.map(String).join(".");
        throw new QuantumServiceError(
          400,
          "InvalidBlobDetails",
          where ? `${where} ${issue?.message ?? ""}` : (issue?.message ?? "Invalid BlobDetails."),
          {
            target: where || undefined,
          },
        );
      }
      const { containerName, blobName } = parsed.data;
      const containerProblem = containerNameProblem(containerName);
      if (containerProblem)
        throw new QuantumServiceError(400, "InvalidBlobDetails", `containerName ${containerProblem}.`, { target: "containerName" });
      const blobProblem = blobName === null || blobName === undefined ? undefined : blobNameProblem(blobName);
      if (blobProblem) throw new QuantumServiceError(400, "InvalidBlobDetails", `blobName ${blobProblem}.`, { target: "blobName" });
      const sasUri = await storage.issueSasUri({ containerName, blobName: blobName ?? undefined }, { permissions: "rcw" });
      return { status: 200, body: { sasUri } };
    },
  },
  {
    operationId: "Jobs_List",
    method: "GET",
    suffix: /^\/jobs$/i,
    action: read,
    async handle({ url, store, endpoint, apiVersion }) {
      const query = parseJobListQuery(url.searchParams);
      const page = store.list(query);
      let nextLink: string | null = null;
      if (page.hasMore) {
        const next = new URLSearchParams({ "api-version": apiVersion, top: String(query.top), skip: String(query.skip + query.top) });
        if (query.filter !== undefined) next.set("filter", query.filter);
        if (query.orderby !== undefined) next.set("orderby", query.orderby);
        nextLink = `${endpoint}${url.pathname}?${next.toString()}`;
      }
      return { status: 200, body: { value: page.jobs, nextLink } };
    },
  },
  {
    operationId: "Jobs_Get",
    method: "GET",
    suffix: /^\/jobs\/([^/:]+)$/i,
    action: read,
    async handle(context) {
      return { status: 200, body: jobOrNotFound(context) };
    },
  },
  {
    operationId: "Jobs_Create",
    method: "PUT",
    suffix: /^\/jobs\/([^/:]+)$/i,
    action: write,
    async handle({ request, jobId = "", store, storage, caller }) {
      const body = await readJsonBody(request, jobBodyBytes);
      const { job, created } = store.create(jobId, parseJobCreateRequest(jobId, body, storage), caller);
      // spec: 201 when the job was created, 200 otherwise (here: it already existed and is returned unchanged).
      return { status: created ? 201 : 200, body: job };
    },
  },
  {
    operationId: "Jobs_Delete",
    method: "DELETE",
    suffix: /^\/jobs\/([^/:]+)$/i,
    action: write,
    async handle({ jobId = "", store }) {
      store.delete(jobId);
      return { status: 204 };
    },
  },
  {
    operationId: "Jobs_Cancel",
    method: "POST",
    suffix: /^\/jobs\/([^/:]+):cancel$/i,
    action: write,
    async handle({ request, jobId = "", store, cancelResponse }) {
      // The operation has no body; one that is sent is read (bounded) and ignored.
      await readRequestBody(request, smallBodyBytes);
      const job = store.cancel(jobId);
      // Production answers 204 No Content, not the spec's 200 with JobDetails: azure-quantum-python
      // `workspace.py` Workspace.cancel_job catches it ("because of historical behavior of the service, the 204 No
      // Content response is returned when cancellation request is succeeded") and reads the job back with Jobs_Get.
      return cancelResponse === "spec" ? { status: 200, body: job } : { status: 204 };
    },
  },
  {
    operationId: "Providers_List",
    method: "GET",
    suffix: /^\/providerStatus$/i,
    action: read,
    async handle() {
      return { status: 200, body: providerStatusPage() };
    },
  },
];
