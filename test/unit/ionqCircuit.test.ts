import { describe, expect, it } from "vitest";
import { parseIonqCircuit, parseIonqSubmission } from "../../src/services/quantum/ionqCircuit.js";

const bell = {
  qubits: 2,
  circuit: [
    { gate: "h", target: 0 },
    { gate: "cnot", control: 0, target: 1 },
  ],
};
const one = (gate: Record<string, unknown>, qubits = 3) => ({ qubits, circuit: [gate] });

describe("ionq.circuit.v1 validation", () => {
  it("accepts IonQ's documented examples", () => {
    for (const circuit of [
      bell,
      one({ gate: "cnot", target: 0, controls: [1, 2] }),
      one({ gate: "rx", target: 0, rotation: 1.5708 }),
      one({ gate: "swap", targets: [0, 1] }),
      one({ gate: "swap", targets: [0, 1], control: 2 }),
      one({ gate: "h", targets: [0, 1, 2] }),
      {
        gateset: "native",
        qubits: 2,
        circuit: [
          { gate: "ms", targets: [0, 1], phases: [0, 0.25] },
          { gate: "gpi2", target: 0, phase: 0.75 },
        ],
      },
      {
        gateset: "native",
        qubits: 2,
        circuit: [
          { gate: "zz", targets: [0, 1], angle: 0.1 },
          { gate: "gpi", target: 1, phase: -0.5 },
        ],
      },
      { qubits: 1, circuit: [] },
    ]) {
      expect(parseIonqCircuit(circuit)).toMatchObject({ ok: true });
    }
  });

  it("drops fields it does not know and keeps the circuit", () => {
    const result = parseIonqCircuit({ ...bell, comment: "x", circuit: [{ gate: "h", target: 0, note: "y" }] });
    expect(result).toEqual({ ok: true, value: { qubits: 2, circuit: [{ gate: "h", target: 0 }] } });
  });

  it.each<[string, unknown, string | RegExp]>([
    ["not an object", "h 0", /must be/],
    ["no qubits", { circuit: [] }, "qubits: must be the number of qubits"],
    ["zero qubits", { qubits: 0, circuit: [] }, "qubits: must be at least 1"],
    ["qubits as a string", { qubits: "2", circuit: [] }, "qubits: must be the number of qubits"],
    ["fractional qubits", { qubits: 2.5, circuit: [] }, "qubits: must be a whole number"],
    ["more qubits than any IonQ target", { qubits: 30, circuit: [] }, "qubits: must be at most 29 (the largest IonQ target)"],
    ["no circuit", { qubits: 1 }, "circuit: must be a list of gates"],
    [
      "an unknown gate",
      one({ gate: "toffoli", target: 0 }),
      'circuit[0].gate: unknown gate "toffoli"; supported gates: x, y, z, rx, ry, rz, h, not, cnot, s, si, t, ti, v, vi, swap',
    ],
    ["an upper-case gate", one({ gate: "H", target: 0 }), 'gate names are lower case: "h"'],
    ["a gate that is not a string", one({ gate: 7, target: 0 }), "circuit[0].gate: must be a gate name"],
    [
      "a target out of range",
      {
        qubits: 2,
        circuit: [
          { gate: "h", target: 0 },
          { gate: "x", target: 2 },
        ],
      },
      "circuit[1].target: qubit 2 is out of range: the circuit declares 2 qubit(s) (indices 0–1)",
    ],
    ["a control out of range", one({ gate: "cnot", control: 5, target: 0 }), "circuit[0].control: qubit 5 is out of range"],
    ["targets out of range", one({ gate: "swap", targets: [0, 3] }), "circuit[0].targets: qubit 3 is out of range"],
    ["a negative target", one({ gate: "h", target: -1 }), "circuit[0].target: must not be negative"],
    ["a fractional target", one({ gate: "h", target: 0.5 }), "circuit[0].target: must be a whole number"],
    ["no target", one({ gate: "h" }), 'circuit[0].target: "h" needs a "target" qubit'],
    ["target and targets", one({ gate: "h", target: 0, targets: [1] }), "circuit[0].targets: give either target or targets, not both"],
    ["repeated targets", one({ gate: "h", targets: [1, 1] }), "circuit[0].targets: targets must be distinct qubits"],
    ["a cnot without a control", one({ gate: "cnot", target: 1 }), 'circuit[0].control: "cnot" needs a "control" qubit'],
    [
      "a control that is also the target",
      one({ gate: "cnot", control: 1, target: 1 }),
      "circuit[0].control: a qubit cannot be both a control and a target",
    ],
    [
      "eight controls",
      one({ gate: "x", target: 0, controls: [1, 2, 3, 4, 5, 6, 7, 8] }, 9),
      "circuit[0].controls: allows at most 7 controls",
    ],
    [
      "control and controls",
      one({ gate: "x", target: 0, control: 1, controls: [2] }),
      "circuit[0].controls: give either control or controls, not both",
    ],
    ["a swap with one target", one({ gate: "swap", target: 0 }), 'circuit[0].targets: "swap" acts on exactly two qubits'],
    [
      "a swap with a list of controls",
      one({ gate: "swap", targets: [0, 1], controls: [2] }),
      'circuit[0].controls: "swap" cannot take a list of controls',
    ],
    ["a rotation without an angle", one({ gate: "ry", target: 0 }), 'circuit[0].rotation: "ry" needs a "rotation" in radians'],
    ["a rotation given as text", one({ gate: "rz", target: 0, rotation: "pi" }), "circuit[0].rotation: must be an angle in radians"],
    [
      "a rotation on a fixed gate",
      one({ gate: "h", target: 0, rotation: 1 }),
      'circuit[0].rotation: "rotation" applies only to rx, ry and rz',
    ],
    [
      "a native gate in a QIS circuit",
      one({ gate: "gpi", target: 0, phase: 0 }),
      'circuit[0].gate: "gpi" is a native gate: set "gateset": "native"',
    ],
    [
      "a QIS gate in a native circuit",
      { gateset: "native", qubits: 1, circuit: [{ gate: "h", target: 0 }] },
      'circuit[0].gate: a native circuit accepts only gpi, gpi2, ms, zz; "h" is a QIS gate',
    ],
    ["an unknown gateset", { gateset: "quil", qubits: 1, circuit: [] }, 'gateset: must be "qis" or "native"'],
    [
      "a gpi without a phase",
      { gateset: "native", qubits: 1, circuit: [{ gate: "gpi", target: 0 }] },
      'circuit[0].phase: "gpi" needs a "phase" in turns',
    ],
    [
      "a phase beyond one turn",
      { gateset: "native", qubits: 1, circuit: [{ gate: "gpi2", target: 0, phase: 2 }] },
      "circuit[0].phase: must be between -1 and 1 turns",
    ],
    [
      "an ms without phases",
      { gateset: "native", qubits: 2, circuit: [{ gate: "ms", targets: [0, 1] }] },
      'circuit[0].phases: "ms" needs "phases": [phase0, phase1] in turns',
    ],
    [
      "an ms angle over a quarter turn",
      { gateset: "native", qubits: 2, circuit: [{ gate: "ms", targets: [0, 1], phases: [0, 0], angle: 0.3 }] },
      'circuit[0].angle: the ms "angle" must be between 0 and 0.25 turns',
    ],
    [
      "a controlled native gate",
      { gateset: "native", qubits: 2, circuit: [{ gate: "gpi", target: 0, phase: 0, control: 1 }] },
      'circuit[0].control: native gate "gpi" cannot be controlled',
    ],
    [
      "a zz without an angle",
      { gateset: "native", qubits: 2, circuit: [{ gate: "zz", targets: [0, 1] }] },
      'circuit[0].angle: "zz" needs an "angle" in turns',
    ],
    [
      "10,001 gates",
      { qubits: 1, circuit: Array.from({ length: 10_001 }, () => ({ gate: "x", target: 0 })) },
      "circuit: must have at most 10000 gates",
    ],
  ])("refuses %s with a readable message", (_case, input, message) => {
    const result = parseIonqCircuit(input);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.message).toMatch(typeof message === "string" ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : message);
  });

  it("reports every problem, not only the first", () => {
    const result = parseIonqCircuit({
      qubits: 1,
      circuit: [
        { gate: "foo", target: 0 },
        { gate: "h", target: 4 },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain("circuit[0].gate");
      expect(result.message).toContain("circuit[1].target");
    }
  });

  it("checks the qubit count against a target", () => {
    expect(parseIonqCircuit({ qubits: 26, circuit: [] }, { target: "ionq.qpu.aria-1" })).toEqual({
      ok: false,
      message: "qubits: the circuit uses 26 qubits but ionq.qpu.aria-1 has 25",
    });
    expect(parseIonqCircuit({ qubits: 29, circuit: [] }, { target: "ionq.simulator" })).toMatchObject({ ok: true });
    expect(parseIonqCircuit(bell, { target: "ionq.qpu.nowhere" })).toEqual({
      ok: false,
      message: expect.stringMatching(/^target: must be one of ionq\.simulator/),
    });
  });
});

describe("submission validation", () => {
  it("defaults to ionq.simulator and 500 shots", () => {
    expect(parseIonqSubmission({ circuit: bell })).toEqual({ ok: true, value: { circuit: bell, target: "ionq.simulator", shots: 500 } });
  });

  it.each<[string, unknown, string]>([
    ["zero shots", { circuit: bell, shots: 0 }, "shots: must be at least 1"],
    ["too many shots", { circuit: bell, shots: 10_001 }, "shots: must be at most 10000"],
    ["fractional shots", { circuit: bell, shots: 1.5 }, "shots: must be a whole number"],
    ["shots as text", { circuit: bell, shots: "100" }, "shots: must be a number"],
    [
      "an unknown target",
      { circuit: bell, target: "rigetti.sim.qvm" },
      "target: must be one of ionq.simulator, ionq.qpu.aria-1, ionq.qpu.aria-2",
    ],
    [
      "a circuit larger than the target",
      { circuit: { qubits: 26, circuit: [] }, target: "ionq.qpu.aria-2" },
      "circuit.qubits: the circuit uses 26 qubits but ionq.qpu.aria-2 has 25",
    ],
    ["an empty name", { circuit: bell, name: "  " }, "name: must not be empty"],
    ["no circuit", { shots: 10 }, "circuit: "],
    ["an invalid gate inside", { circuit: one({ gate: "h", target: 9 }) }, "circuit.circuit[0].target: qubit 9 is out of range"],
  ])("refuses %s", (_case, input, message) => {
    const result = parseIonqSubmission(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});
