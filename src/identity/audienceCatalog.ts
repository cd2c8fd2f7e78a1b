// The token audiences the app probes (DESIGN §3.1). Each resource's data plane accepts tokens for
// exactly one of these; `arm` proves the identity can reach Azure Resource Manager at all.
export interface Audience {
  /** The check's component name: `storage:token`, `webpubsub:token`… */
  readonly component: string;
  /** The resource URI (the token's `aud`); the scope asked for is `${resource}/.default`. */
  readonly resource: string;
}

export const builtInAudiences: readonly Audience[] = [
  { component: "storage", resource: "https://storage.azure.com" },
  { component: "webpubsub", resource: "https://webpubsub.azure.com" },
  { component: "quantum", resource: "https://quantum.microsoft.com" },
  { component: "arm", resource: "https://management.azure.com" },
];

/** Extra audiences from IDENTITY_PROBE_AUDIENCES, named after their host (`vault.azure.net` → `vault`). */
export function audienceCatalog(extraResources: readonly string[]): readonly Audience[] {
  const catalog = [...builtInAudiences];
  for (const resource of extraResources) {
    if (catalog.some((audience) => audience.resource === resource)) continue;
    catalog.push({ component: componentNameFor(resource, catalog), resource });
  }
  return catalog;
}

function componentNameFor(resource: string, taken: readonly Audience[]): string {
  let base: string;
  try {
    base = new URL(resource).hostname.split(".")[0] || "audience";
  } catch {
    base = "audience";
  }
  base = base.toLowerCase().replace(/[^a-z0-9-]/g, "") || "audience";
  let name = base;
  for (let index = 2; taken.some((audience) => audience.component === name); index += 1) name = `${base}${index}`;
  return name;
}

export function scopeFor(audience: Audience): string {
  return `${audience.resource}/.default`;
}
