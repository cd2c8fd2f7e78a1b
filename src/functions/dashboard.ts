// GET /api/dashboard — the live status page. Loads nothing but itself: the page calls the app's API.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { renderDashboardPage } from "../dashboard/dashboardPage.js";
import { dashboardData } from "../dashboard/dashboardData.js";
import { identityEndpointComponent } from "../identity/identityEndpointCheck.js";
import { privilegeComponent } from "../probes/privilegeAudit.js";
import { getResources } from "../runtime.js";

export async function dashboard(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const page = renderDashboardPage(dashboardData(await getResources(), [identityEndpointComponent, privilegeComponent]));
  return {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": page.contentSecurityPolicy,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
    body: page.html,
  };
}
