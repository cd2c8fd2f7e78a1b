// GET /api/health/identity/details — the full report: identity claims, outputs, remediation hints and
// the raw identity-endpoint check.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { healthResponse } from "../http/responses.js";
import { getAppServices } from "../runtime.js";

export async function healthIdentityDetails(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const { identityHealth } = await getAppServices();
  return healthResponse(await identityHealth.getReport({ includeIdentityEndpoint: true }));
}
