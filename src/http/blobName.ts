// Blob names the API accepts (DESIGN §3): 1–1024 characters, no `..` path segment, no backslash and
// no control characters. Azure itself allows more; these rules keep names unambiguous as paths.
export type BlobNameResult = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly message: string };

export const maxBlobNameLength = 1024;

export function validateBlobName(raw: string | undefined): BlobNameResult {
  const name = raw ?? "";
  if (name.length === 0) return { ok: false, message: "A blob name is required: /api/blobs/{name}." };
  if (name.length > maxBlobNameLength)
    return { ok: false, message: `The blob name is ${name.length} characters long; at most ${maxBlobNameLength} are allowed.` };
  if (/\p{Cc}/u.test(name)) return { ok: false, message: "The blob name contains a control character." };
  if (name.includes("\\")) return { ok: false, message: "The blob name contains a backslash; use / to separate path segments." };
  if (name.split("/").some((segment) => segment === ".." || segment === "."))
    return { ok: false, message: "The blob name contains a '.' or '..' path segment." };
  if (name.startsWith("/") || name.endsWith("/")) return { ok: false, message: "The blob name must not start or end with '/'." };
  if (/[\ud800-\udfff]/.test(name.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")))
    return { ok: false, message: "The blob name contains an unpaired surrogate." };
  return { ok: true, name };
}
