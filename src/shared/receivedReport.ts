// A health report as it comes back from outside this process (DESIGN §3.1; draft-inadarei-api-health-check):
// from a deployed app (the CLI's `check`), from the probe history, or to the dashboard. Validated at that
// boundary before anything reads it. It accepts both the details report and the anonymous summary (no
// identity block, output or remediation), and stays open to what a newer app may add — an unknown error
// category or extra field must not turn a real report into "not a report" — while insisting on the
// statuses that exit codes and colours are computed from.
import { z } from "zod";

const checkEntrySchema = z.looseObject({
  componentId: z.string(),
  componentType: z.string(),
  identity: z.string().optional(),
  status: z.enum(["pass", "warn", "fail", "skipped"]),
  observedValue: z.number().optional(),
  observedUnit: z.string().optional(),
  time: z.string(),
  tokenSource: z.string().optional(),
  expiresOn: z.string().optional(),
  errorCategory: z.string().optional(),
  output: z.string().optional(),
  remediation: z.string().optional(),
  note: z.string().optional(),
  remembered: z.looseObject({ observedAt: z.string(), ageSeconds: z.number(), nextAttemptAt: z.string() }).optional(),
});

const reportIdentitySchema = z.looseObject({
  name: z.string(),
  clientId: z.string().optional(),
  objectId: z.string().optional(),
  tenantId: z.string().optional(),
  resourceId: z.string().optional(),
});

export const receivedReportSchema = z.looseObject({
  status: z.enum(["pass", "warn", "fail"]),
  version: z.string(),
  releaseId: z.string(),
  serviceId: z.string(),
  time: z.string(),
  identity: z
    .looseObject({
      source: z.string(),
      credential: z.string().optional(),
      credentialFailures: z.array(z.looseObject({ credential: z.string(), error: z.string(), message: z.string() })).optional(),
      identities: z.array(reportIdentitySchema),
    })
    .optional(),
  checks: z.record(z.string(), z.array(checkEntrySchema)),
});

export type ReceivedReport = z.infer<typeof receivedReportSchema>;
export type ReceivedCheckEntry = z.infer<typeof checkEntrySchema>;

export type ParsedReport = { readonly ok: true; readonly report: ReceivedReport } | { readonly ok: false; readonly reason: string };

/** The first problem, as a path and a message: enough to tell a report from something else. */
export function parseReceivedReport(body: unknown): ParsedReport {
  const result = receivedReportSchema.safeParse(body);
  if (result.success) return { ok: true, report: result.data };
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
  return { ok: false, reason: `${path}: ${issue?.message ?? "invalid"}` };
}
