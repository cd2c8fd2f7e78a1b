// Jobs_Create's body (spec JobDetails, allOf ItemDetails): the create-mutable fields, validated as the service
// does before it accepts a job. Required by the spec: name, providerId, target, itemType (ItemDetails) and
// containerUri (JobDetails); `id` is read-only but, when sent, must be the path's job ID. The target must be one
// the workspace offers (refused in the service's words, notEnabledForWorkspace), the data formats ones its provider
// takes, and every storage URI must be in the workspace's linked storage account. Read-only fields (status,
// times, errorData…) are the service's to set and are ignored. Every problem is listed in `details`.
import { z } from "zod";
import { findTarget, isOfferedProvider, type EmulatedProvider, type EmulatedTarget } from "./quantumProviders.js";
import type { BlobLocation, LinkedStorage } from "./linkedStorage.js";
import { notEnabledForWorkspace, QuantumServiceError, type ErrorDetail } from "./quantumServiceError.js";

export interface JobCreateRequest {
  readonly name: string;
  readonly provider: EmulatedProvider;
  readonly providerId: string;
  readonly target: EmulatedTarget;
  readonly targetId: string;
  readonly jobType: string;
  readonly containerUri: string;
  readonly container: BlobLocation;
  readonly inputDataUri: string;
  readonly input: BlobLocation;
  readonly inputDataFormat: string;
  readonly outputDataUri: string;
  readonly output: BlobLocation;
  readonly outputDataFormat: string;
  readonly inputParams: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | null;
  readonly tags: readonly string[];
  readonly priority: string | null;
}

const uri = z.string("must be a string").min(1, "must not be empty").max(4096, "must be at most 4096 characters");

const jobDetailsBody = z.object(
  {
    id: z.string("must be a string").max(36, "must be a job ID").optional(),
    name: z.string("is required (a string)").min(1, "must not be empty").max(1024, "must be at most 1024 characters"),
    itemType: z.literal("Job", 'is required and must be "Job"'),
    jobType: z.enum(["Unknown", "QuantumComputing", "Optimization"], "must be Unknown, QuantumComputing or Optimization").optional(),
    providerId: z.string("is required (a string)").min(1, "must not be empty").max(128, "must be at most 128 characters"),
    target: z.string("is required (a string)").min(1, "must not be empty").max(128, "must be at most 128 characters"),
    containerUri: uri,
    inputDataUri: uri.optional(),
    inputDataFormat: z.string("is required (a string)").max(128, "must be at most 128 characters"),
    outputDataUri: uri.optional(),
    outputDataFormat: z.string("must be a string").max(128, "must be at most 128 characters").optional(),
    inputParams: z.record(z.string(), z.unknown(), "must be an object").optional(),
    metadata: z.record(z.string(), z.unknown(), "must be an object").nullish(),
    tags: z
      .array(z.string("must be strings").max(256, "must be at most 256 characters each"), "must be a list of strings")
      .max(50, "allows at most 50 tags")
      .optional(),
    priority: z.enum(["Standard", "High"], "must be Standard or High").nullish(),
    sessionId: z.string("must be a string").nullish(),
  },
  "The request body must be a JSON object (JobDetails).",
);

function detail(target: string, message: string): ErrorDetail {
  return { code: "InvalidJobDefinition", target, message: `${target} ${message}` };
}

export function parseJobCreateRequest(jobId: string, body: unknown, storage: LinkedStorage): JobCreateRequest {
  const parsed = jobDetailsBody.safeParse(body);
  const details: ErrorDetail[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const target = issue.path.map(String).join(".");
      details.push(target ? detail(target, issue.message) : { code: "InvalidJobDefinition", message: issue.message });
    }
    throw invalid(details);
  }
  const job = parsed.data;
  if (job.id !== undefined && job.id.toLowerCase() !== jobId.toLowerCase())
    details.push(detail("id", "must be the job ID in the request path"));
  if (job.sessionId) details.push(detail("sessionId", "refers to a session; sessions are not supported by the local Quantum emulator"));

  const found = findTarget(job.providerId, job.target);
  // The one refusal here whose words are public: sent as the service sends it (see notEnabledForWorkspace).
  if (!found) throw notEnabledForWorkspace(isOfferedProvider(job.providerId) ? "target" : "provider");
  if (!found.provider.inputDataFormats.includes(job.inputDataFormat))
    details.push(detail("inputDataFormat", `must be one of ${found.provider.inputDataFormats.join(", ")} for provider '${found.provider.id}'`));
  if (job.outputDataFormat !== undefined && !found.provider.outputDataFormats.includes(job.outputDataFormat))
    details.push(detail("outputDataFormat", `must be one of ${found.provider.outputDataFormats.join(", ")} for provider '${found.provider.id}'`));

  const container = storage.locate(job.containerUri);
  if (!container) details.push(detail("containerUri", "must be a container URI in the workspace's linked storage account"));
  else if (container.blobName !== undefined) details.push(detail("containerUri", "must point at a container, not a blob"));
  const containerUrl = container ? storage.urlOf({ containerName: container.containerName, blobName: undefined }) : "";
  const sas = safeSearch(job.containerUri);

  const inputDataUri = job.inputDataUri ?? `${containerUrl}/inputData`;
  const input = storage.locate(inputDataUri);
  if (job.inputDataUri !== undefined && (!input || input.blobName === undefined))
    details.push(detail("inputDataUri", "must be a blob URI in the workspace's linked storage account"));
  // Without one, the output goes next to the input as `rawOutputData`, reachable with the container's SAS
  // (the spec's Jobs_Create example answers with exactly that).
  const outputDataUri = job.outputDataUri ?? `${containerUrl}/rawOutputData${sas}`;
  const output = storage.locate(outputDataUri);
  if (job.outputDataUri !== undefined && (!output || output.blobName === undefined))
    details.push(detail("outputDataUri", "must be a blob URI in the workspace's linked storage account"));

  if (details.length > 0 || !container || !input?.blobName || !output?.blobName) throw invalid(details);
  return {
    name: job.name,
    provider: found.provider,
    providerId: job.providerId,
    target: found.target,
    targetId: job.target,
    jobType: job.jobType ?? "QuantumComputing",
    containerUri: job.containerUri,
    container,
    inputDataUri,
    input,
    inputDataFormat: job.inputDataFormat,
    outputDataUri,
    output,
    outputDataFormat: job.outputDataFormat ?? found.provider.outputDataFormats[0] ?? "",
    inputParams: job.inputParams ?? {},
    metadata: job.metadata ?? null,
    tags: job.tags ?? [],
    priority: job.priority ?? null,
  };
}

function safeSearch(value: string): string {
  try {
    return new URL(value).search;
  } catch {
    return "";
  }
}

function invalid(details: readonly ErrorDetail[]): QuantumServiceError {
  const first = details[0]?.message ?? "The job definition is invalid.";
  return new QuantumServiceError(400, "InvalidJobDefinition", `The job definition is invalid: ${first}`, { details });
}
