// What the dashboard page tells its script about the app, as a JSON data block in the page: how each
// component is called, and the Web PubSub group that carries live updates (when the app has one). The
// script is bundled for the browser, so this module holds only types and what the server computes.
import type { ResourceDefinition } from "../resources/resourceDefinition.js";

export const dashboardDataElementId = "dashboard-data";

export interface DashboardData {
  /** Component → display name ("storage" → "Blob Storage"). */
  readonly labels: Readonly<Record<string, string>>;
  readonly liveGroup?: string;
}

/** The page's data for these resources, plus the checks every app has (ARM, the identity endpoint). */
export function dashboardData(
  resources: readonly ResourceDefinition[],
  more: readonly { readonly component: string; readonly displayName?: string }[],
): DashboardData {
  const labels: Record<string, string> = {};
  for (const { component, displayName } of [...resources, ...more]) if (displayName) labels[component] = displayName;
  const liveGroup = resources.find((resource) => resource.liveUpdates !== undefined)?.liveUpdates?.group;
  return { labels, ...(liveGroup !== undefined ? { liveGroup } : {}) };
}
