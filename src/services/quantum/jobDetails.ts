// The Quantum data plane's models as this app reads them (spec 2026-08-01-preview definitions JobDetails,
// ItemDetails, PagedJobDetails, ProviderStatus, SasUriResponse). Responses are parsed at the boundary;
// unknown fields pass through untouched and nulls (the service sends them, see the spec's examples) are
// accepted wherever a field is optional.
import { z } from "zod";

const optionalString = z.string().nullish();

/** spec: Errors.WorkspaceItemError. */
export const workspaceItemErrorSchema = z.looseObject({ code: z.string(), message: z.string() });

/** spec: JobDetails (allOf ItemDetails). `status` is a string enum the service may extend. */
export const jobDetailsSchema = z.looseObject({
  id: z.string(),
  name: optionalString,
  providerId: optionalString,
  target: optionalString,
  itemType: optionalString,
  status: z.string().nullish(),
  containerUri: optionalString,
  inputDataUri: optionalString,
  inputDataFormat: optionalString,
  outputDataUri: optionalString,
  outputDataFormat: optionalString,
  inputParams: z.record(z.string(), z.unknown()).nullish(),
  creationTime: optionalString,
  beginExecutionTime: optionalString,
  endExecutionTime: optionalString,
  cancellationTime: optionalString,
  errorData: workspaceItemErrorSchema.nullish(),
});
export type JobDetails = z.infer<typeof jobDetailsSchema>;

/** What the app sends to Jobs_Create: the create-mutable fields of JobDetails. */
export interface JobDetailsInput {
  id: string;
  name: string;
  itemType: "Job";
  providerId: string;
  target: string;
  containerUri: string;
  inputDataUri?: string;
  inputDataFormat: string;
  outputDataFormat: string;
  outputDataUri?: string;
  inputParams?: Record<string, unknown>;
  metadata?: Record<string, string>;
  tags?: string[];
}

export const pagedJobDetailsSchema = z.looseObject({ value: z.array(jobDetailsSchema), nextLink: z.string().nullish() });
export type PagedJobDetails = z.infer<typeof pagedJobDetailsSchema>;

export const targetStatusSchema = z.looseObject({
  id: z.string(),
  currentAvailability: z.string(),
  averageQueueTime: z.number().nullish(),
  statusPage: optionalString,
  numQubits: z.number().nullish(),
});
export const providerStatusSchema = z.looseObject({
  id: z.string(),
  currentAvailability: z.string(),
  targets: z.array(targetStatusSchema),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;
export const pagedProviderStatusSchema = z.looseObject({ value: z.array(providerStatusSchema), nextLink: z.string().nullish() });

export const sasUriResponseSchema = z.looseObject({ sasUri: z.url() });
