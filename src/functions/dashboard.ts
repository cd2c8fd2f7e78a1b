// GET /api/dashboard — the live status page. Loads nothing but itself: the page calls the app's API.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

export async function dashboard(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const { renderDashboardPage } = await import("../dashboard/dashboardPage.js");
  const page = renderDashboardPage();
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
