// The workspace's jobs, in memory, and their life: Waiting → Executing → Succeeded | Failed, or Cancelled from
// Waiting or Executing (spec JobStatus; the v1-workspace statuses). Each stage lasts at least its configured
// time so clients see the progression; execution runs the provider (ionqExecution) against Azurite. Every
// timer and every running execution belongs to the store and ends on close().
import { randomInt } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { createSeededRandom } from "./ionqSimulator.js";
import { executeIonqJob, writeIonqOutput, type ExecutionResult } from "./ionqExecution.js";
import type { JobCreateRequest } from "./jobCreateRequest.js";
import type { JobListQuery, ListableJob } from "./jobListQuery.js";
import type { LinkedStorage } from "./linkedStorage.js";
import type { QuantumCaller } from "./quantumAuthorization.js";
import { QuantumServiceError } from "./quantumServiceError.js";

/** spec JobDetails as the service answers it (nulls where the examples have them). */
export interface JobRecord extends ListableJob {
  readonly itemType: "Job";
  status: "Waiting" | "Executing" | "Succeeded" | "Failed" | "Cancelled";
  readonly containerUri: string;
  readonly inputDataUri: string;
  readonly inputDataFormat: string;
  readonly inputParams: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | null;
  readonly outputDataUri: string;
  readonly outputDataFormat: string;
  readonly tags: readonly string[];
  readonly priority: string | null;
  readonly sessionId: null;
  readonly createdBy: string;
  readonly createdByType: string;
  lastUpdatedTime: string;
  beginExecutionTime: string | null;
  endExecutionTime: string | null;
  cancellationTime: string | null;
  errorData: { code: string; message: string } | null;
  readonly costEstimate: null;
  readonly usage: null;
  readonly shots: number | null;
}

interface StoredJob {
  readonly record: JobRecord;
  readonly request: JobCreateRequest;
  timer: NodeJS.Timeout | undefined;
  execution: AbortController | undefined;
}

export interface QuantumJobStore {
  /** Jobs_Create: an existing ID answers with that job, unchanged (`created: false`). */
  create(jobId: string, request: JobCreateRequest, caller: QuantumCaller): { job: JobRecord; created: boolean };
  get(jobId: string): JobRecord | undefined;
  list(query: JobListQuery): { jobs: JobRecord[]; hasMore: boolean };
  cancel(jobId: string): JobRecord;
  delete(jobId: string): void;
  close(): Promise<void>;
}

/** Bounds memory against a client that creates jobs in a loop. */
const maxJobs = 10_000;
const closeDeadlineMs = 5_000;

function now(): string {
  return new Date().toISOString();
}

function notFound(jobId: string): QuantumServiceError {
  return new QuantumServiceError(404, "JobNotFound", `The job '${jobId}' was not found in this workspace.`);
}

/** FNV-1a: a job's seeded shots depend on the emulator's seed and the job ID only. */
function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export function createQuantumJobStore(options: {
  storage: LinkedStorage;
  waitingMs: number;
  executingMs: number;
  seed?: number;
}): QuantumJobStore {
  const jobs = new Map<string, StoredJob>();
  const executions = new Set<Promise<void>>();
  let isClosed = false;

  function finish(job: StoredJob, result: ExecutionResult): void {
    const time = now();
    job.record.status = result.status;
    job.record.endExecutionTime = time;
    job.record.lastUpdatedTime = time;
    if (result.status === "Failed") job.record.errorData = result.errorData;
  }

  function startExecution(job: StoredJob): void {
    job.timer = undefined;
    if (isClosed || job.record.status !== "Waiting") return;
    const begin = Date.now();
    job.record.status = "Executing";
    job.record.beginExecutionTime = new Date(begin).toISOString();
    job.record.lastUpdatedTime = job.record.beginExecutionTime;
    const controller = new AbortController();
    job.execution = controller;
    const random = createSeededRandom(
      options.seed !== undefined ? (options.seed ^ hashString(job.record.id)) >>> 0 : randomInt(2 ** 32 - 1),
    );
    const execution = (async () => {
      let result: ExecutionResult;
      try {
        result = await executeIonqJob({
          storage: options.storage,
          input: job.request.input,
          target: job.request.target,
          inputParams: job.request.inputParams,
          random,
          signal: controller.signal,
        });
        const remaining = begin + options.executingMs - Date.now();
        if (remaining > 0) await delay(remaining, undefined, { signal: controller.signal });
        // Output appears only when the job completes, so a job cancelled while executing leaves none.
        if (result.status === "Succeeded") await writeIonqOutput(options.storage, job.request.output, result.output, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) return; // cancelled, deleted or closing: the canceller set the status
        const status =
          typeof error === "object" && error !== null && "statusCode" in error ? ` (storage answered ${String(error.statusCode)})` : "";
        result = { status: "Failed", errorData: { code: "InternalError", message: `The job could not be run${status}.` } };
      }
      if (controller.signal.aborted || job.record.status !== "Executing") return;
      finish(job, result);
    })();
    executions.add(execution);
    void execution.finally(() => {
      executions.delete(execution);
      job.execution = undefined;
    });
  }

  function stop(job: StoredJob): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    job.execution?.abort();
  }

  return {
    create(jobId, request, caller) {
      const key = jobId.toLowerCase();
      const existing = jobs.get(key);
      // A retried PUT (the client's retry policy repeats PUTs) must not make a second job.
      if (existing) return { job: existing.record, created: false };
      if (jobs.size >= maxJobs)
        throw new QuantumServiceError(
          409,
          "QuotaExceeded",
          `The local emulator keeps at most ${maxJobs} jobs; delete some (Jobs_Delete) first.`,
        );
      const time = now();
      const shots = request.inputParams.shots;
      const record: JobRecord = {
        id: jobId,
        name: request.name,
        itemType: "Job",
        jobType: request.jobType,
        providerId: request.providerId,
        target: request.targetId,
        status: "Waiting",
        containerUri: request.containerUri,
        inputDataUri: request.inputDataUri,
        inputDataFormat: request.inputDataFormat,
        inputParams: request.inputParams,
        metadata: request.metadata,
        outputDataUri: request.outputDataUri,
        outputDataFormat: request.outputDataFormat,
        tags: request.tags,
        priority: request.priority,
        sessionId: null,
        creationTime: time,
        createdBy: caller.objectId,
        createdByType: caller.principalType,
        lastUpdatedTime: time,
        beginExecutionTime: null,
        endExecutionTime: null,
        cancellationTime: null,
        errorData: null,
        costEstimate: null,
        usage: null,
        shots: typeof shots === "number" ? shots : null,
      };
      const job: StoredJob = { record, request, timer: undefined, execution: undefined };
      jobs.set(key, job);
      if (!isClosed) job.timer = setTimeout(() => startExecution(job), options.waitingMs);
      return { job: record, created: true };
    },

    get(jobId) {
      return jobs.get(jobId.toLowerCase())?.record;
    },

    list(query) {
      const matching = [...jobs.values()].map((job) => job.record).filter(query.matches);
      matching.sort(query.compare);
      return { jobs: matching.slice(query.skip, query.skip + query.top), hasMore: query.skip + query.top < matching.length };
    },

    cancel(jobId) {
      const job = jobs.get(jobId.toLowerCase());
      if (!job) throw notFound(jobId);
      const { record } = job;
      if (record.status === "Cancelled") return record;
      if (record.status === "Succeeded" || record.status === "Failed")
        throw new QuantumServiceError(
          409,
          "JobAlreadyFinished",
          `The job '${record.id}' has already finished with status '${record.status}' and cannot be cancelled.`,
        );
      const wasExecuting = record.status === "Executing";
      stop(job);
      const time = now();
      record.status = "Cancelled";
      record.cancellationTime = time;
      if (wasExecuting) record.endExecutionTime = time;
      record.lastUpdatedTime = time;
      return record;
    },

    delete(jobId) {
      const job = jobs.get(jobId.toLowerCase());
      if (!job) throw notFound(jobId);
      stop(job);
      jobs.delete(jobId.toLowerCase());
    },

    async close() {
      isClosed = true;
      for (const job of jobs.values()) stop(job);
      const settled = Promise.allSettled([...executions]);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, closeDeadlineMs);
      });
      await Promise.race([settled, deadline]);
      clearTimeout(timer);
    },
  };
}
