import { describe, expect, it } from "vitest";
import {
  applyGate,
  createSeededRandom,
  createStateVector,
  probabilities,
  sampleHistogram,
  simulateState,
  simulateStateAsync,
} from "../../local/quantum/ionqSimulator.js";
import type { IonqCircuit, IonqGate } from "../../src/services/quantum/ionqCircuit.js";

/** Exact measurement probabilities, basis state (qubit k = bit k) → probability, zeros left out. */
function distribution(circuit: IonqCircuit): Record<number, number> {
  const result: Record<number, number> = {};
  probabilities(simulateState(circuit)).forEach((p, state) => {
    if (p > 1e-12) result[state] = p;
  });
  return result;
}

function expectDistribution(actual: Record<number, number>, expected: Record<number, number>): void {
  expect(Object.keys(actual).map(Number).sort()).toEqual(Object.keys(expected).map(Number).sort());
  for (const [state, p] of Object.entries(expected)) expect(actual[Number(state)]).toBeCloseTo(p, 12);
}

const circuit = (qubits: number, ...gates: IonqGate[]): IonqCircuit => ({ qubits, circuit: gates });

describe("state-vector simulation of ionq.circuit.v1", () => {
  it.each<[string, IonqCircuit, Record<number, number>]>([
    ["no gates leaves |0⟩", circuit(3), { 0: 1 }],
    ["X flips qubit 0 to basis state 1", circuit(1, { gate: "x", target: 0 }), { 1: 1 }],
    ["X on qubit 1 of 2 is basis state 2 (qubit k is bit k)", circuit(2, { gate: "x", target: 1 }), { 2: 1 }],
    ["not is X", circuit(1, { gate: "not", target: 0 }), { 1: 1 }],
    ["Y flips too", circuit(1, { gate: "y", target: 0 }), { 1: 1 }],
    ["H gives an even superposition", circuit(1, { gate: "h", target: 0 }), { 0: 0.5, 1: 0.5 }],
    ["H twice is the identity", circuit(1, { gate: "h", target: 0 }, { gate: "h", target: 0 }), { 0: 1 }],
    ["a list of targets applies the gate to each", circuit(2, { gate: "h", targets: [0, 1] }), { 0: 0.25, 1: 0.25, 2: 0.25, 3: 0.25 }],
    ["Bell: H then CNOT gives 0 and 3", circuit(2, { gate: "h", target: 0 }, { gate: "cnot", control: 0, target: 1 }), { 0: 0.5, 3: 0.5 }],
    [
      "GHZ-3 gives 0 and 7",
      circuit(3, { gate: "h", target: 0 }, { gate: "cnot", control: 0, target: 1 }, { gate: "cnot", control: 1, target: 2 }),
      { 0: 0.5, 7: 0.5 },
    ],
    ["CNOT with its control at |0⟩ does nothing", circuit(2, { gate: "cnot", control: 0, target: 1 }), { 0: 1 }],
    ["swap moves an excitation from qubit 0 to qubit 1", circuit(2, { gate: "x", target: 0 }, { gate: "swap", targets: [0, 1] }), { 2: 1 }],
    [
      "a controlled swap (Fredkin) swaps when the control is set",
      circuit(3, { gate: "x", target: 0 }, { gate: "x", target: 2 }, { gate: "swap", targets: [0, 1], control: 2 }),
      { 6: 1 },
    ],
    [
      "Toffoli (x with two controls) flips the target",
      circuit(3, { gate: "x", targets: [0, 1] }, { gate: "x", target: 2, controls: [0, 1] }),
      { 7: 1 },
    ],
    [
      "H·RZ(π)·H is X: phase turned into a flip",
      circuit(1, { gate: "h", target: 0 }, { gate: "rz", target: 0, rotation: Math.PI }, { gate: "h", target: 0 }),
      { 1: 1 },
    ],
    [
      "H·RZ(π/2)·H splits evenly",
      circuit(1, { gate: "h", target: 0 }, { gate: "rz", target: 0, rotation: Math.PI / 2 }, { gate: "h", target: 0 }),
      { 0: 0.5, 1: 0.5 },
    ],
    [
      "H·RZ(θ)·H measures 0 with cos²(θ/2)",
      circuit(1, { gate: "h", target: 0 }, { gate: "rz", target: 0, rotation: 1 }, { gate: "h", target: 0 }),
      { 0: Math.cos(0.5) ** 2, 1: Math.sin(0.5) ** 2 },
    ],
    [
      "phase kickback: a controlled Z on |+⟩|1⟩ flips the control",
      circuit(2, { gate: "x", target: 1 }, { gate: "h", target: 0 }, { gate: "z", target: 1, control: 0 }, { gate: "h", target: 0 }),
      { 3: 1 },
    ],
    [
      "phase kickback: CNOT onto |−⟩ flips the control's phase",
      circuit(
        2,
        { gate: "x", target: 1 },
        { gate: "h", targets: [0, 1] },
        { gate: "cnot", control: 0, target: 1 },
        { gate: "h", targets: [0, 1] },
      ),
      { 3: 1 },
    ],
    [
      "S·S is Z (seen between H)",
      circuit(1, { gate: "h", target: 0 }, { gate: "s", target: 0 }, { gate: "s", target: 0 }, { gate: "h", target: 0 }),
      { 1: 1 },
    ],
    [
      "S·S† is the identity",
      circuit(1, { gate: "h", target: 0 }, { gate: "s", target: 0 }, { gate: "si", target: 0 }, { gate: "h", target: 0 }),
      { 0: 1 },
    ],
    [
      "T⁴ is Z",
      circuit(1, { gate: "h", target: 0 }, ...Array.from({ length: 4 }, (): IonqGate => ({ gate: "t", target: 0 })), {
        gate: "h",
        target: 0,
      }),
      { 1: 1 },
    ],
    [
      "T·T† is the identity",
      circuit(1, { gate: "h", target: 0 }, { gate: "t", target: 0 }, { gate: "ti", target: 0 }, { gate: "h", target: 0 }),
      { 0: 1 },
    ],
    ["V·V is X", circuit(1, { gate: "v", target: 0 }, { gate: "v", target: 0 }), { 1: 1 }],
    ["V alone splits evenly", circuit(1, { gate: "v", target: 0 }), { 0: 0.5, 1: 0.5 }],
    ["V·V† is the identity", circuit(1, { gate: "v", target: 0 }, { gate: "vi", target: 0 }), { 0: 1 }],
    ["RX(π) flips", circuit(1, { gate: "rx", target: 0, rotation: Math.PI }), { 1: 1 }],
    ["RY(π/2) splits evenly", circuit(1, { gate: "ry", target: 0, rotation: Math.PI / 2 }), { 0: 0.5, 1: 0.5 }],
    ["RY(θ) measures 1 with sin²(θ/2)", circuit(1, { gate: "ry", target: 0, rotation: 2 }), { 0: Math.cos(1) ** 2, 1: Math.sin(1) ** 2 }],
    ["GPI(0) is X", { gateset: "native", qubits: 1, circuit: [{ gate: "gpi", target: 0, phase: 0 }] }, { 1: 1 }],
    [
      "GPI2 twice is a flip (−iX)",
      {
        gateset: "native",
        qubits: 1,
        circuit: [
          { gate: "gpi2", target: 0, phase: 0.3 },
          { gate: "gpi2", target: 0, phase: 0.3 },
        ],
      },
      { 1: 1 },
    ],
    [
      "GPI2 alone splits evenly",
      { gateset: "native", qubits: 1, circuit: [{ gate: "gpi2", target: 0, phase: 0.125 }] },
      { 0: 0.5, 1: 0.5 },
    ],
    [
      "MS(0, 0) entangles |00⟩ into 0 and 3",
      { gateset: "native", qubits: 2, circuit: [{ gate: "ms", targets: [0, 1], phases: [0, 0] }] },
      { 0: 0.5, 3: 0.5 },
    ],
    [
      "MS twice at full angle flips both qubits",
      {
        gateset: "native",
        qubits: 2,
        circuit: [
          { gate: "ms", targets: [0, 1], phases: [0.1, 0.2] },
          { gate: "ms", targets: [0, 1], phases: [0.1, 0.2] },
        ],
      },
      { 3: 1 },
    ],
    [
      "MS at angle 0 is the identity",
      { gateset: "native", qubits: 2, circuit: [{ gate: "ms", targets: [0, 1], phases: [0.3, 0.1], angle: 0 }] },
      { 0: 1 },
    ],
    [
      "ZZ(¼) between Hadamards entangles like MS",
      circuit(2, { gate: "h", targets: [0, 1] }, { gate: "zz", targets: [0, 1], angle: 0.25 }, { gate: "h", targets: [0, 1] }),
      { 0: 0.5, 3: 0.5 },
    ],
  ])("%s", (_name, input, expected) => {
    expectDistribution(distribution(input), expected);
  });

  it("keeps the state normalised through every gate", () => {
    const random = createSeededRandom(42);
    const names = ["x", "y", "z", "h", "s", "si", "t", "ti", "v", "vi", "rx", "ry", "rz", "swap", "gpi", "gpi2", "ms", "zz"] as const;
    const state = createStateVector(4);
    for (let step = 0; step < 400; step += 1) {
      const gate = names[Math.floor(random() * names.length)] ?? "h";
      const a = Math.floor(random() * 4);
      const b = (a + 1 + Math.floor(random() * 3)) % 4;
      const twoQubit = gate === "swap" || gate === "ms" || gate === "zz";
      applyGate(state, {
        gate,
        ...(twoQubit ? { targets: [a, b] } : { target: a }),
        ...(!twoQubit && random() < 0.3 && !gate.startsWith("gpi") ? { control: b } : {}),
        rotation: random() * 7,
        phase: random() * 2 - 1,
        phases: [random(), random()],
        angle: random() * 0.25,
      });
    }
    expect(probabilities(state).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 10);
  });

  it("undoes a circuit with its inverse, back to |0⟩", () => {
    const forward: IonqGate[] = [
      { gate: "h", target: 0 },
      { gate: "rx", target: 1, rotation: 0.7 },
      { gate: "cnot", control: 0, target: 2 },
      { gate: "t", target: 2 },
      { gate: "v", target: 1 },
      { gate: "swap", targets: [1, 2] },
      { gate: "ry", target: 0, rotation: -1.3, controls: [1, 2] },
    ];
    const inverse: IonqGate[] = [
      { gate: "ry", target: 0, rotation: 1.3, controls: [1, 2] },
      { gate: "swap", targets: [1, 2] },
      { gate: "vi", target: 1 },
      { gate: "ti", target: 2 },
      { gate: "cnot", control: 0, target: 2 },
      { gate: "rx", target: 1, rotation: -0.7 },
      { gate: "h", target: 0 },
    ];
    expectDistribution(distribution(circuit(3, ...forward, ...inverse)), { 0: 1 });
  });

  it("stops a long simulation when aborted", async () => {
    const controller = new AbortController();
    const long = circuit(16, ...Array.from({ length: 200 }, (_, index): IonqGate => ({ gate: "h", target: index % 16 })));
    const running = simulateStateAsync(long, { signal: controller.signal, batchSize: 2 ** 16 });
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
  });

  it("gives the same state synchronously and asynchronously", async () => {
    const bell = circuit(2, { gate: "h", target: 0 }, { gate: "cnot", control: 0, target: 1 });
    expect(probabilities(await simulateStateAsync(bell, { batchSize: 1 }))).toEqual(probabilities(simulateState(bell)));
  });
});

describe("shot sampling", () => {
  const bell = probabilities(simulateState(circuit(2, { gate: "h", target: 0 }, { gate: "cnot", control: 0, target: 1 })));

  it("samples a Bell pair about 50/50 on 0 and 3, never 1 or 2", () => {
    const histogram = sampleHistogram(bell, 10_000, createSeededRandom(1));
    expect(Object.keys(histogram)).toEqual(["0", "3"]);
    expect(histogram["0"]).toBeGreaterThan(0.47);
    expect(histogram["3"]).toBeGreaterThan(0.47);
    expect((histogram["0"] ?? 0) + (histogram["3"] ?? 0)).toBeCloseTo(1, 12);
  });

  it("repeats exactly with the same seed and differs with another", () => {
    const first = sampleHistogram(bell, 101, createSeededRandom(7));
    expect(sampleHistogram(bell, 101, createSeededRandom(7))).toEqual(first);
    expect(sampleHistogram(bell, 101, createSeededRandom(8))).not.toEqual(first);
  });

  it("reports fractions of shots in multiples of 1/shots", () => {
    const histogram = sampleHistogram(bell, 8, createSeededRandom(3));
    for (const value of Object.values(histogram)) expect((value * 8) % 1).toBe(0);
  });

  it("gives a certain outcome every time", () => {
    const certain = probabilities(simulateState(circuit(3, { gate: "x", targets: [0, 2] })));
    expect(sampleHistogram(certain, 1000, createSeededRandom(9))).toEqual({ "5": 1 });
  });

  it("draws uniform numbers in [0, 1)", () => {
    const random = createSeededRandom(123);
    const values = Array.from({ length: 10_000 }, () => random());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((sum, value) => sum + value, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});
