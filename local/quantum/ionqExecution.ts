// What the IonQ provider does with a job: read `ionq.circuit.v1` from the job's input blob, check it, simulate
// it and sample `shots` (inputParams.shots, the IonQ targets' parameter name) into the `ionq.quantum-results.v1`
// histogram (`{ "histogram": { "<basis state>": <fraction of shots> } }`), which `writeIonqOutput` stores once
// the job completes. Bad input fails the job with errorData { code, message } rather than the request: the
// service accepts the job and the provider rejects its input.
import { RestError } from "@azure/storage-blob";
import { parseIonqCircuit, defaultShots, maxShots } from "../../src/services/quantum/ionqCircuit.js";
import { circuitCost, probabilities, sampleHistogram, simulateStateAsync } from "./ionqSimulator.js";
import { BlobTooLargeError, type BlobLocation, type LinkedStorage } from "./linkedStorage.js";
import { emulatedQubitLimit, emulatorMaxQubits, type EmulatedTarget } from "./quantumProviders.js";

export type ExecutionResult =
  | { readonly status: "Succeeded"; readonly output: string }
  | { readonly status: "Failed"; readonly errorData: { code: string; message: string } };

const maxInputBytes = 1024 * 1024;
/** About a few seconds of simulation; beyond it the emulator declines rather than stalls. */
const maxAmplitudeUpdates = 2 ** 31;

function failed(code: string, message: string): ExecutionResult {
  return { status: "Failed", errorData: { code, message } };
}

export async function executeIonqJob(options: {
  storage: LinkedStorage;
  input: BlobLocation;
  target: EmulatedTarget;
  inputParams: Record<string, unknown>;
  random: () => number;
  signal: AbortSignal;
}): Promise<ExecutionResult> {
  const { storage, input, target, signal } = options;
  const shots = options.inputParams.shots ?? defaultShots;
  if (typeof shots !== "number" || !Number.isInteger(shots) || shots < 1 || shots > maxShots)
    return failed("InvalidInputData", `inputParams.shots must be a whole number from 1 to ${maxShots}.`);

  let bytes: Buffer;
  try {
    bytes = await storage.readBlob(input, { limitBytes: maxInputBytes, abortSignal: signal });
  } catch (error) {
    if (error instanceof BlobTooLargeError) return failed("InvalidInputData", `The input data is larger than ${maxInputBytes} bytes.`);
    if (error instanceof RestError && error.statusCode === 404)
      return failed(
        "InputDataNotFound",
        `The input data blob '${input.blobName ?? ""}' was not found in container '${input.containerName}'.`,
      );
    throw error;
  }

  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return failed("InvalidInputData", "The input data is not valid JSON (expected ionq.circuit.v1).");
  }
  const circuit = parseIonqCircuit(json);
  if (!circuit.ok) return failed("InvalidInputData", `The input data is not a valid ionq.circuit.v1 circuit: ${circuit.message}`);
  const limit = emulatedQubitLimit(target);
  if (circuit.value.qubits > limit) {
    const why =
      target.serviceQubits > limit
        ? `${target.id} has ${target.serviceQubits} qubits at IonQ; the local emulator simulates at most ${emulatorMaxQubits}`
        : `${target.id} has ${target.serviceQubits} qubits`;
    return failed("InvalidInputData", `The circuit uses ${circuit.value.qubits} qubits but ${why}.`);
  }
  if (circuitCost(circuit.value) > maxAmplitudeUpdates)
    return failed(
      "InvalidInputData",
      "The circuit is too large for the local emulator to simulate (qubits × gates); use fewer qubits or gates.",
    );

  const state = await simulateStateAsync(circuit.value, { signal });
  const histogram = sampleHistogram(probabilities(state), shots, options.random);
  signal.throwIfAborted();
  return { status: "Succeeded", output: JSON.stringify({ histogram }) };
}

/** Stores a succeeded job's results as its output blob (`rawOutputData` unless the job named another). */
export async function writeIonqOutput(storage: LinkedStorage, output: BlobLocation, results: string, signal: AbortSignal): Promise<void> {
  await storage.writeBlob(output, results, { contentType: "application/json", abortSignal: signal });
}
