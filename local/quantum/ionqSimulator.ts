// A state-vector simulator for IonQ's `ionq.circuit.v1` gate set: 2^n complex amplitudes (two Float64Arrays),
// each gate applied as its exact unitary, measurement probabilities |amplitude|², and shots sampled from them
// with a seedable generator. Conventions are IonQ's:
// - qubit k is bit k of the basis-state index (little-endian: cirq-ionq converts IonQ's "little endian"
//   results to big endian; azure-quantum's IonQ target reverses the bit string), so a Bell pair gives "0" and "3";
// - QIS gates: x y z h s si t ti v vi (√X and its adjoint), rx ry rz (radians), not / cnot aliases of x,
//   swap; any of them controlled by `control` / `controls` (all controls |1⟩);
// - native gates (phases and angles in turns, as qiskit-ionq defines their matrices):
//   GPI(φ) = [[0, e^{-2πiφ}], [e^{2πiφ}, 0]], GPI2(φ) = 1/√2 [[1, -i e^{-2πiφ}], [-i e^{2πiφ}, 1]],
//   MS(φ0, φ1, θ) = exp(-iπθ σφ0 ⊗ σφ1) with σφ = cos(2πφ) X + sin(2πφ) Y (θ = 0.25 fully entangling),
//   ZZ(θ) = exp(-iπθ Z ⊗ Z).
// Long circuits yield to the event loop between gates so a running job never stalls the emulator and can be
// cancelled.
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { IonqCircuit, IonqGate } from "../../src/services/quantum/ionqCircuit.js";

export interface StateVector {
  readonly qubits: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** A 2×2 complex matrix, row-major: [[a, b], [c, d]] with separate real and imaginary parts. */
interface Matrix2 {
  readonly re: readonly [number, number, number, number];
  readonly im: readonly [number, number, number, number];
}

const half = Math.SQRT1_2;

function matrix(re: Matrix2["re"], im: Matrix2["im"] = [0, 0, 0, 0]): Matrix2 {
  return { re, im };
}

const fixedGates: Readonly<Record<string, Matrix2>> = {
  x: matrix([0, 1, 1, 0]),
  not: matrix([0, 1, 1, 0]),
  cnot: matrix([0, 1, 1, 0]),
  y: matrix([0, 0, 0, 0], [0, -1, 1, 0]),
  z: matrix([1, 0, 0, -1]),
  h: matrix([half, half, half, -half]),
  s: matrix([1, 0, 0, 0], [0, 0, 0, 1]),
  si: matrix([1, 0, 0, 0], [0, 0, 0, -1]),
  t: matrix([1, 0, 0, half], [0, 0, 0, half]),
  ti: matrix([1, 0, 0, half], [0, 0, 0, -half]),
  // √X = ½[[1+i, 1−i], [1−i, 1+i]]; V† is its conjugate transpose.
  v: matrix([0.5, 0.5, 0.5, 0.5], [0.5, -0.5, -0.5, 0.5]),
  vi: matrix([0.5, 0.5, 0.5, 0.5], [-0.5, 0.5, 0.5, -0.5]),
};

function singleQubitMatrix(gate: IonqGate): Matrix2 {
  const fixed = fixedGates[gate.gate];
  if (fixed) return fixed;
  const theta = gate.rotation ?? 0;
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  switch (gate.gate) {
    case "rx":
      return matrix([c, 0, 0, c], [0, -s, -s, 0]);
    case "ry":
      return matrix([c, -s, s, c]);
    case "rz":
      return matrix([c, 0, 0, c], [-s, 0, 0, s]);
    case "gpi": {
      const phi = 2 * Math.PI * (gate.phase ?? 0);
      return matrix([0, Math.cos(phi), Math.cos(phi), 0], [0, -Math.sin(phi), Math.sin(phi), 0]);
    }
    case "gpi2": {
      const phi = 2 * Math.PI * (gate.phase ?? 0);
      // -i·e^{-iφ} = -sin φ - i cos φ; -i·e^{iφ} = sin φ - i cos φ.
      return matrix([half, -half * Math.sin(phi), half * Math.sin(phi), half], [0, -half * Math.cos(phi), -half * Math.cos(phi), 0]);
    }
    default:
      throw new RangeError(`"${gate.gate}" is not a single-qubit gate`);
  }
}

export function createStateVector(qubits: number): StateVector {
  if (!Number.isInteger(qubits) || qubits < 1 || qubits > 30) throw new RangeError("qubits must be a whole number from 1 to 30");
  const size = 2 ** qubits;
  const state = { qubits, re: new Float64Array(size), im: new Float64Array(size) };
  state.re[0] = 1;
  return state;
}

function controlMask(gate: IonqGate): number {
  const controls = gate.controls ?? (gate.control !== undefined ? [gate.control] : []);
  return controls.reduce((mask, qubit) => mask | (1 << qubit), 0);
}

function applyMatrix(state: StateVector, target: number, m: Matrix2, controls: number): void {
  const { re, im } = state;
  const bit = 1 << target;
  const [ar, br, cr, dr] = m.re;
  const [ai, bi, ci, di] = m.im;
  for (let i = 0; i < re.length; i += 1) {
    if (i & bit || (i & controls) !== controls) continue;
    const j = i | bit;
    const xr = re[i] as number;
    const xi = im[i] as number;
    const yr = re[j] as number;
    const yi = im[j] as number;
    re[i] = ar * xr - ai * xi + br * yr - bi * yi;
    im[i] = ar * xi + ai * xr + br * yi + bi * yr;
    re[j] = cr * xr - ci * xi + dr * yr - di * yi;
    im[j] = cr * xi + ci * xr + dr * yi + di * yr;
  }
}

function applySwap(state: StateVector, a: number, b: number, controls: number): void {
  const { re, im } = state;
  const bitA = 1 << a;
  const bitB = 1 << b;
  for (let i = 0; i < re.length; i += 1) {
    // Visit each pair once, from the index with qubit a = 1 and qubit b = 0.
    if (!(i & bitA) || i & bitB || (i & controls) !== controls) continue;
    const j = (i & ~bitA) | bitB;
    const r = re[i] as number;
    const m = im[i] as number;
    re[i] = re[j] as number;
    im[i] = im[j] as number;
    re[j] = r;
    im[j] = m;
  }
}

/** MS(φ0, φ1, θ) = cos(πθ)·I − i·sin(πθ)·(σφ0 ⊗ σφ1), where σφ|0⟩ = e^{iφ}|1⟩ and σφ|1⟩ = e^{−iφ}|0⟩. */
function applyMs(state: StateVector, a: number, b: number, phases: readonly [number, number], angle: number): void {
  const { re, im } = state;
  const bitA = 1 << a;
  const bitB = 1 << b;
  const cos = Math.cos(Math.PI * angle);
  const sin = Math.sin(Math.PI * angle);
  const phiA = 2 * Math.PI * phases[0];
  const phiB = 2 * Math.PI * phases[1];
  // Each basis state pairs with the one that has both bits flipped; update both of a pair together.
  for (let i = 0; i < re.length; i += 1) {
    if (i & bitA) continue; // pairs are visited from the member whose qubit a is 0
    const j = i ^ bitA ^ bitB;
    // σ⊗σ maps |j⟩ to e^{±iφA}e^{±iφB}|i⟩: the sign is + where the source bit is 0.
    const phaseIntoI = (j & bitA ? -phiA : phiA) + (j & bitB ? -phiB : phiB);
    const phaseIntoJ = (i & bitA ? -phiA : phiA) + (i & bitB ? -phiB : phiB);
    const ir = re[i] as number;
    const ii = im[i] as number;
    const jr = re[j] as number;
    const ji = im[j] as number;
    // new_i = cos·x_i − i·sin·e^{iθi}·x_j ; −i·e^{iθ} = sin θ − i cos θ.
    const pr = Math.sin(phaseIntoI);
    const pi = -Math.cos(phaseIntoI);
    const qr = Math.sin(phaseIntoJ);
    const qi = -Math.cos(phaseIntoJ);
    re[i] = cos * ir + sin * (pr * jr - pi * ji);
    im[i] = cos * ii + sin * (pr * ji + pi * jr);
    re[j] = cos * jr + sin * (qr * ir - qi * ii);
    im[j] = cos * ji + sin * (qr * ii + qi * ir);
  }
}

/** ZZ(θ) = exp(−iπθ Z⊗Z): phase e^{−iπθ} where the two bits agree, e^{+iπθ} where they differ. */
function applyZz(state: StateVector, a: number, b: number, angle: number): void {
  const { re, im } = state;
  const bitA = 1 << a;
  const bitB = 1 << b;
  for (let i = 0; i < re.length; i += 1) {
    const same = Boolean(i & bitA) === Boolean(i & bitB);
    const phase = (same ? -1 : 1) * Math.PI * angle;
    const c = Math.cos(phase);
    const s = Math.sin(phase);
    const r = re[i] as number;
    const m = im[i] as number;
    re[i] = c * r - s * m;
    im[i] = c * m + s * r;
  }
}

/** Applies one gate (validated by the ionq.circuit.v1 schema) to the state. */
export function applyGate(state: StateVector, gate: IonqGate): void {
  const targets = gate.targets ?? (gate.target !== undefined ? [gate.target] : []);
  const controls = controlMask(gate);
  switch (gate.gate) {
    case "swap":
      applySwap(state, targets[0] ?? 0, targets[1] ?? 0, controls);
      return;
    case "ms":
      applyMs(state, targets[0] ?? 0, targets[1] ?? 0, gate.phases ?? [0, 0], gate.angle ?? 0.25);
      return;
    case "zz":
      applyZz(state, targets[0] ?? 0, targets[1] ?? 0, gate.angle ?? 0);
      return;
    default: {
      const m = singleQubitMatrix(gate);
      for (const target of targets) applyMatrix(state, target, m, controls);
    }
  }
}

/** Work a circuit costs in amplitude updates: each gate touches every amplitude once per target. */
export function circuitCost(circuit: IonqCircuit): number {
  const size = 2 ** circuit.qubits;
  return circuit.circuit.reduce((total, gate) => total + size * Math.max(1, gate.targets?.length ?? 1), 0);
}

/** The final state, synchronously (for tests and small circuits). */
export function simulateState(circuit: IonqCircuit): StateVector {
  const state = createStateVector(circuit.qubits);
  for (const gate of circuit.circuit) applyGate(state, gate);
  return state;
}

/** The final state, yielding to the event loop about every `batchSize` amplitude updates; stops when aborted. */
export async function simulateStateAsync(
  circuit: IonqCircuit,
  options: { signal?: AbortSignal; batchSize?: number } = {},
): Promise<StateVector> {
  const state = createStateVector(circuit.qubits);
  const batchSize = options.batchSize ?? 2 ** 20;
  let sinceYield = 0;
  for (const gate of circuit.circuit) {
    options.signal?.throwIfAborted();
    applyGate(state, gate);
    sinceYield += state.re.length;
    if (sinceYield >= batchSize) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  options.signal?.throwIfAborted();
  return state;
}

export function probabilities(state: StateVector): Float64Array {
  const result = new Float64Array(state.re.length);
  for (let i = 0; i < result.length; i += 1) result[i] = (state.re[i] as number) ** 2 + (state.im[i] as number) ** 2;
  return result;
}

/** mulberry32: a small, well-distributed 32-bit generator; the same seed gives the same shots. */
export function createSeededRandom(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let t = value;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `shots` samples from the distribution, as an `ionq.quantum-results.v1` histogram: basis state (decimal
 * string) → fraction of shots, states never seen left out.
 */
export function sampleHistogram(distribution: Float64Array, shots: number, random: () => number): Record<string, number> {
  // Cumulative distribution once, then a binary search per shot for the first state whose cumulative
  // probability exceeds the point (never a zero-probability state): O(2^n + shots·n).
  const cumulative = new Float64Array(distribution.length);
  let total = 0;
  for (let i = 0; i < distribution.length; i += 1) {
    total += distribution[i] as number;
    cumulative[i] = total;
  }
  const counts = new Map<number, number>();
  for (let shot = 0; shot < shots; shot += 1) {
    const point = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) > point) high = middle;
      else low = middle + 1;
    }
    counts.set(low, (counts.get(low) ?? 0) + 1);
  }
  const histogram: Record<string, number> = {};
  for (const state of [...counts.keys()].sort((a, b) => a - b)) histogram[String(state)] = (counts.get(state) ?? 0) / shots;
  return histogram;
}
