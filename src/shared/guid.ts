// The one GUID rule: client IDs, object IDs, subscription IDs, job IDs and role IDs are all written as
// 8-4-4-4-12 hexadecimal digits (RFC 4122 text form, any case).
export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}
