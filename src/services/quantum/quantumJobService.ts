// The app's Quantum operations, in the Azure Quantum SDK's job-submission flow (azure-quantum
// `Job.from_input_data`): a new job ID → Storage_GetSasUri for container `job-<id>` → upload the circuit as blob
// `inputData` through that container SAS → Jobs_Create with the container SAS URI and the blob's URI (no SAS:
// the service reads it through its own access, as the SDK's `upload_blob(return_sas_token=False)` does).
// Results are read from the job's `outputDataUri` once it succeeded. SAS URLs are secrets: none is returned,
// logged or put in an error message by this module.
import { randomUUID } from "node:crypto";
import { BlobClient, ContainerClient, RestError } from "@azure/storage-blob";
import { z } from "zod";
import { readBounded } from "../../shared/boundedBody.js";
import { isGuid } from "../../shared/guid.js";
import { parseIonqCircuit, defaultIonqTarget, defaultShots, maxShots, type IonqCircuit } from "./ionqCircuit.js";
import type { JobDetails } from "./jobDetails.js";
import { createOfferedTargets } from "./offeredTargets.js";
import { createQuantumClient, type QuantumClient, type QuantumClientOptions } from "./quantumClient.js";
import { QuantumInputError } from "./quantumInputError.js";
import { redactSas, withoutSas } from "./redactSas.js";

export const ionqInputDataFormat = "ionq.circuit.v1";
export const ionqOutputDataFormat = "ionq.quantum-results.v1";
export const ionqProviderId = "ionq";
/** The SDK's names: container `job-<id>`, input blob `inputData` (azure-quantum BaseJob). */
export const inputBlobName = "inputData";
const maxResultBytes = 4 * 1024 * 1024;
/** The SDK refreshes a SAS that expires within five minutes (BaseJob._get_blob_uri_with_sas_token). */
const sasRefreshMarginMs = 5 * 60 * 1000;

export interface QuantumJobSummary {
  id: string;
  name: string;
  status: string;
  target: string;
  providerId: string;
  creationTime?: string;
  beginExecutionTime?: string;
  endExecutionTime?: string;
  cancellationTime?: string;
  errorData?: { code: string; message: string };
}

export interface QuantumJobService {
  submitJob(options: {
    circuit: IonqCircuit;
    target?: string;
    shots?: number;
    name?: string;
    abortSignal?: AbortSignal;
  }): Promise<QuantumJobSummary>;
  /** The job, with `results` (the `ionq.quantum-results.v1` histogram) once it succeeded. */
  getJob(id: string, options?: { abortSignal?: AbortSignal }): Promise<QuantumJobSummary & { results?: Record<string, number> }>;
  /** Newest first; `continuation` is opaque and comes from a previous page. */
  listJobs(options?: {
    top?: number;
    continuation?: string;
    abortSignal?: AbortSignal;
  }): Promise<{ jobs: QuantumJobSummary[]; continuation?: string }>;
  cancelJob(id: string, options?: { abortSignal?: AbortSignal }): Promise<QuantumJobSummary>;
  /** Lists one job: proves the identity holds a data role on the workspace. Throws RestError 401/403 otherwise. */
  checkAccess(options?: { abortSignal?: AbortSignal }): Promise<void>;
}

const resultsSchema = z.looseObject({
  histogram: z.record(z.string().regex(/^\d{1,10}$/, "histogram keys are basis states"), z.number().min(0).max(1)),
});

function optional(value: string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : redactSas(value);
}

export function summarizeJob(job: JobDetails): QuantumJobSummary {
  const summary: QuantumJobSummary = {
    id: job.id,
    name: redactSas(job.name ?? ""),
    status: job.status ?? "Unknown",
    target: job.target ?? "",
    providerId: job.providerId ?? "",
  };
  const times = {
    creationTime: optional(job.creationTime),
    beginExecutionTime: optional(job.beginExecutionTime),
    endExecutionTime: optional(job.endExecutionTime),
    cancellationTime: optional(job.cancellationTime),
  };
  for (const [key, value] of Object.entries(times)) if (value !== undefined) Object.assign(summary, { [key]: value });
  if (job.errorData) summary.errorData = { code: redactSas(job.errorData.code), message: redactSas(job.errorData.message) };
  return summary;
}

function checkJobId(id: string): void {
  if (!isGuid(id)) throw new QuantumInputError("A job ID is a UUID (as returned when the job was submitted).");
}

function encodeContinuation(nextLink: string | null | undefined): string | undefined {
  return nextLink ? Buffer.from(nextLink, "utf8").toString("base64url") : undefined;
}

function decodeContinuation(token: string): string {
  if (token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token))
    throw new QuantumInputError("The continuation is not a token from a previous page.");
  return Buffer.from(token, "base64url").toString("utf8");
}

function isContainerNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404 && error.code === "ContainerNotFound";
}

export function createQuantumJobService(options: QuantumClientOptions): QuantumJobService {
  const client: QuantumClient = createQuantumClient(options);
  const offeredTargets = createOfferedTargets({ listProviderStatus: (read) => client.listProviderStatus(read) });

  /** A blob URL with a SAS that is valid for a while: the service's own if fresh, else a new one (as the SDK does). */
  async function readableBlobUrl(url: string, abortSignal: AbortSignal | undefined): Promise<string> {
    const expiresOn = new URL(url).searchParams.get("se");
    const expiry = expiresOn ? Date.parse(expiresOn) : Number.NaN;
    if (Number.isFinite(expiry) && expiry - sasRefreshMarginMs > Date.now()) return url;
    const blob = new BlobClient(withoutSas(url));
    return client.getSasUri({ containerName: blob.containerName, blobName: blob.name }, { abortSignal });
  }

  async function readResults(job: JobDetails, abortSignal: AbortSignal | undefined): Promise<Record<string, number> | undefined> {
    if (!job.outputDataUri) return undefined;
    const blob = new BlobClient(await readableBlobUrl(job.outputDataUri, abortSignal));
    const download = await blob.download(0, undefined, { abortSignal });
    if ((download.contentLength ?? 0) > maxResultBytes)
      throw new RestError(`The job's output is larger than ${maxResultBytes} bytes.`, { code: "OutputTooLarge" });
    const read = await readBounded(download.readableStreamBody, { limitBytes: maxResultBytes, abortSignal });
    if (!read.ok) throw new RestError(`The job's output is larger than ${maxResultBytes} bytes.`, { code: "OutputTooLarge" });
    const bytes = read.bytes;
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new RestError(`The job's output is not ${ionqOutputDataFormat} JSON.`, { code: "InvalidOutputData" });
    }
    const results = resultsSchema.safeParse(parsed);
    if (!results.success) throw new RestError(`The job's output is not ${ionqOutputDataFormat}.`, { code: "InvalidOutputData" });
    return results.data.histogram;
  }

  return {
    async submitJob({ circuit, target = defaultIonqTarget, shots = defaultShots, name = "identity-probe", abortSignal }) {
      const valid = parseIonqCircuit(circuit, { target });
      if (!valid.ok) throw new QuantumInputError(valid.message);
      if (!Number.isInteger(shots) || shots < 1 || shots > maxShots)
        throw new QuantumInputError(`shots must be a whole number from 1 to ${maxShots}.`);
      // Only a target the workspace offers: the service refuses the others at Jobs_Create, after the upload.
      const offered = await offeredTargets.targetsOf(ionqProviderId, { abortSignal });
      if (!offered.includes(target))
        throw new QuantumInputError(
          `target: ${target.slice(0, 128)} is not offered by this workspace; it offers ${offered.length > 0 ? offered.join(", ") : "no IonQ targets"}.`,
        );

      const jobId = randomUUID();
      const containerUri = await client.getSasUri({ containerName: `job-${jobId}` }, { abortSignal });
      const container = new ContainerClient(containerUri);
      const input = container.getBlockBlobClient(inputBlobName);
      const body = JSON.stringify(valid.value);
      const upload = () =>
        input.upload(body, Buffer.byteLength(body), {
          abortSignal,
          blobHTTPHeaders: { blobContentType: "application/json" },
          // Create-only, as the SDK's upload_blob (overwrite=False): a job's input never changes.
          conditions: { ifNoneMatch: "*" },
        });
      try {
        await upload();
      } catch (error) {
        // Since 2026-01-15-preview the service creates the container with the SAS; older services did not.
        if (!isContainerNotFound(error)) throw error;
        await container.createIfNotExists({ abortSignal });
        await upload();
      }

      const { job } = await client.putJob(
        jobId,
        {
          id: jobId,
          name,
          itemType: "Job",
          providerId: ionqProviderId,
          target,
          containerUri,
          inputDataUri: withoutSas(input.url),
          inputDataFormat: ionqInputDataFormat,
          outputDataFormat: ionqOutputDataFormat,
          inputParams: { shots },
        },
        { abortSignal },
      );
      return summarizeJob(job);
    },

    async getJob(id, { abortSignal } = {}) {
      checkJobId(id);
      const job = await client.getJob(id, { abortSignal });
      const summary = summarizeJob(job);
      if (job.status !== "Succeeded" && job.status !== "Completed") return summary;
      const results = await readResults(job, abortSignal);
      return results === undefined ? summary : { ...summary, results };
    },

    async listJobs({ top = 20, continuation, abortSignal } = {}) {
      const page =
        continuation !== undefined
          ? await client.listJobs({ nextLink: decodeContinuation(continuation), abortSignal })
          : await client.listJobs({ top, orderby: "CreationTime desc", abortSignal });
      const next = encodeContinuation(page.nextLink);
      return { jobs: page.value.map(summarizeJob), ...(next ? { continuation: next } : {}) };
    },

    async cancelJob(id, { abortSignal } = {}) {
      checkJobId(id);
      return summarizeJob(await client.cancelJob(id, { abortSignal }));
    },

    async checkAccess({ abortSignal } = {}) {
      await client.listJobs({ top: 1, abortSignal });
    },
  };
}
