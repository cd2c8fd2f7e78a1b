// A request the app refused before calling Azure Quantum: an invalid circuit, job ID or continuation token.
// Callers answer it with a 400 naming the problem; it never means the service failed.
export class QuantumInputError extends Error {
  override readonly name = "QuantumInputError";
}

export function isQuantumInputError(error: unknown): error is QuantumInputError {
  return error instanceof Error && error.name === "QuantumInputError";
}
