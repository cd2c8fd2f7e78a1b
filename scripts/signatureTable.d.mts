// Types of scripts/signatureTable.mjs for the TypeScript tests.
import type { FailureSignature } from "../src/shared/failureSignature.js";

export const startMarker: string;
export const endMarker: string;
export function renderSignatureTable(rows: readonly { owner: string; signature: FailureSignature }[]): string;
export function withSignatureTable(readme: string, table: string): string;
