// The dashboard page: one self-contained HTML document. Its script (bundled with the Web PubSub client)
// and styles are inlined and allowed by a per-response nonce; nothing is loaded from anywhere else.
import { randomBytes } from "node:crypto";
import dashboardScript from "virtual:dashboard-client";
import { dashboardDataElementId, type DashboardData } from "./dashboardData.js";
import { dashboardStyles } from "./dashboardStyles.js";

export interface DashboardPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

export function renderDashboardPage(data: DashboardData): DashboardPage {
  const nonce = randomBytes(16).toString("base64");
  // A data block is not run, and "<" escaped means no string in it can end the element.
  const dataBlock = JSON.stringify(data).replace(/</g, "\\u003c");
  // A literal "</script" inside the bundle would end the element early.
  const script = dashboardScript.replace(/<\/script/gi, "<\\/script");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>identity-probe dashboard</title>
<style nonce="${nonce}">${dashboardStyles}</style>
</head>
<body>
<main id="dashboard" aria-live="polite"><p>Loading…</p></main>
<noscript>The dashboard needs JavaScript; the same data is at health/identity/details.</noscript>
<script type="application/json" id="${dashboardDataElementId}">${dataBlock}</script>
<script nonce="${nonce}">${script}</script>
</body>
</html>`;
  return {
    html,
    // connect-src: the app's own API, and the Web PubSub client endpoint negotiate hands out (wss).
    contentSecurityPolicy: `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self' wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}
