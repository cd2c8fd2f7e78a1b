// SAS URLs are bearer secrets: whoever holds one can read and write the job's container until it expires.
// Anything this module hands back (names, error messages) passes through here so a `sig` never leaves it.
const sasSignature = /([?&;]sig=)[^&#\s"'<>]*/gi;

export function redactSas(text: string): string {
  return text.replace(sasSignature, "$1REDACTED");
}

/** A blob or container URL without its query string (and so without its SAS). */
export function withoutSas(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
