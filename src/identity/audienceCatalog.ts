// The token audiences the app probes (DESIGN §3.1): each resource's audience (Azure Resource Manager's among
// them, src/resources/arm.ts), and the extra ones of IDENTITY_PROBE_AUDIENCES.
export interface Audience {
  /** The check's component name: `storage:token`, `webpubsub:token`… */
  readonly component: string;
  /** The resource URI (the token's `aud`); the scope asked for is `${resource}/.default`. */
  readonly resource: string;
  /** How a person calls it, where it has a name ("Resource Manager"). */
  readonly displayName?: string;
}

/** Extra audiences are named after their host (`vault.azure.net` → `vault`), never clashing with another. */
export function audienceCatalog(base: readonly Audience[], extraResources: readonly string[]): readonly Audience[] {
  const catalog = [...base];
  for (const resource of extraResources) {
    if (catalog.some((audience) => sameResource(audience.resource, resource))) continue;
    catalog.push({ component: componentNameFor(resource, catalog), resource });
  }
  return catalog;
}

/** Audiences compare without a trailing slash: Entra issues `https://storage.azure.com` for `https://storage.azure.com/`. */
export function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
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
