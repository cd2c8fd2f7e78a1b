// The `ionq.circuit.v1` input format (IonQ's JSON circuit, as Azure Quantum's IonQ targets take it) and the
// submission rules the app checks before any call, so a bad circuit is a readable 400 rather than a failed
// job minutes later. Facts from IonQ's documentation (docs.ionq.com "Writing quantum programs", "Native gates"):
// - `{ "qubits": n, "circuit": [ { "gate": "h", "target": 0 }, { "gate": "cnot", "control": 0, "target": 1 } ] }`;
// - QIS gates x y z rx ry rz h not cnot s si t ti v vi swap; a gate takes a `target` or a list of `targets`;
//   rotations take `rotation` in radians; any gate may take a `control`, or up to seven `controls` (not swap);
// - `"gateset": "native"` switches to the hardware gates gpi, gpi2 (`phase`), ms (`phases`, optional
//   `angle`) and zz (`angle`), all in turns; the two gate sets cannot be mixed.
// Target sizes are the documented ones (learn.microsoft.com, "IonQ provider").
import { z } from "zod";

export const qisGateNames = ["x", "y", "z", "rx", "ry", "rz", "h", "not", "cnot", "s", "si", "t", "ti", "v", "vi", "swap"] as const;
export const nativeGateNames = ["gpi", "gpi2", "ms", "zz"] as const;
export type IonqGateName = (typeof qisGateNames)[number] | (typeof nativeGateNames)[number];

/** Qubits per IonQ target on Azure Quantum (IonQ provider page). */
export const ionqTargetQubits: Readonly<Record<string, number>> = Object.freeze({
  "ionq.simulator": 29,
  "ionq.qpu.aria-1": 25,
  "ionq.qpu.aria-2": 25,
});
export const ionqTargets = Object.keys(ionqTargetQubits) as readonly string[];
export const defaultIonqTarget = "ionq.simulator";
/** The default the Azure Quantum SDK's IonQ backends use. */
export const defaultShots = 500;
export const maxShots = 10_000;
export const maxControls = 7;
/** A bound on circuit length so one request cannot describe unbounded work. */
export const maxGates = 10_000;
const maxQubitsAnyTarget = Math.max(...Object.values(ionqTargetQubits));

export interface IonqGate {
  gate: IonqGateName;
  target?: number;
  targets?: number[];
  control?: number;
  controls?: number[];
  /** Radians (rx, ry, rz). */
  rotation?: number;
  /** Turns (gpi, gpi2). */
  phase?: number;
  /** Turns (ms). */
  phases?: [number, number];
  /** Turns (ms: 0–0.25, zz). */
  angle?: number;
}

export interface IonqCircuit {
  gateset?: "qis" | "native";
  qubits: number;
  circuit: IonqGate[];
}

const singleQubitQis = new Set<string>(["x", "y", "z", "rx", "ry", "rz", "h", "not", "cnot", "s", "si", "t", "ti", "v", "vi"]);
const rotationGates = new Set<string>(["rx", "ry", "rz"]);
const twoTargetGates = new Set<string>(["swap", "ms", "zz"]);

const qubitIndex = z
  .number("must be a qubit index (a number)")
  .int("must be a whole number")
  .min(0, "must not be negative")
  .max(maxQubitsAnyTarget - 1, `must be below ${maxQubitsAnyTarget}`);
const turns = z.number("must be a number of turns").min(-1, "must be between -1 and 1 turns").max(1, "must be between -1 and 1 turns");

const gateShape = z.object(
  {
    gate: z.string("must be a gate name").max(16, "is not a gate name"),
    target: qubitIndex.optional(),
    targets: z.array(qubitIndex, "must be a list of qubit indices").min(1, "must not be empty").max(maxQubitsAnyTarget).optional(),
    control: qubitIndex.optional(),
    controls: z
      .array(qubitIndex, "must be a list of qubit indices")
      .min(1, "must not be empty")
      .max(maxControls, `allows at most ${maxControls} controls`)
      .optional(),
    rotation: z.number("must be an angle in radians").optional(),
    phase: turns.optional(),
    phases: z.tuple([turns, turns], "must be two phases in turns").optional(),
    angle: turns.optional(),
  },
  'must be a gate object, e.g. { "gate": "h", "target": 0 }',
);
type GateShape = z.infer<typeof gateShape>;

function checkGate(gate: GateShape, gateset: "qis" | "native", qubits: number, report: (message: string, field?: string) => void): void {
  const name = gate.gate;
  const isQis = (qisGateNames as readonly string[]).includes(name);
  const isNative = (nativeGateNames as readonly string[]).includes(name);
  if (!isQis && !isNative) {
    const lower = name.toLowerCase();
    const hint =
      lower !== name && ((qisGateNames as readonly string[]).includes(lower) || (nativeGateNames as readonly string[]).includes(lower))
        ? ` (gate names are lower case: "${lower}")`
        : "";
    report(
      `unknown gate "${name.slice(0, 16)}"${hint}; supported gates: ${qisGateNames.join(", ")} (and ${nativeGateNames.join(", ")} with "gateset": "native")`,
      "gate",
    );
    return;
  }
  if (gateset === "qis" && isNative) {
    report(`"${name}" is a native gate: set "gateset": "native" (native and QIS gates cannot be mixed)`, "gate");
    return;
  }
  if (gateset === "native" && !isNative) {
    report(`a native circuit accepts only ${nativeGateNames.join(", ")}; "${name}" is a QIS gate`, "gate");
    return;
  }

  // Targets: exactly one of `target` / `targets`; two distinct ones for two-qubit gates.
  if (gate.target !== undefined && gate.targets !== undefined) report("give either target or targets, not both", "targets");
  const targets = gate.targets ?? (gate.target !== undefined ? [gate.target] : []);
  if (targets.length === 0)
    report(twoTargetGates.has(name) ? `"${name}" needs "targets": [a, b]` : `"${name}" needs a "target" qubit`, "target");
  if (twoTargetGates.has(name) && gate.targets?.length !== 2 && targets.length > 0)
    report(`"${name}" acts on exactly two qubits: "targets": [a, b]`, "targets");
  if (new Set(targets).size !== targets.length) report("targets must be distinct qubits", "targets");

  // Controls: QIS gates only; cnot needs one; swap takes a single control, not a list (IonQ docs).
  if (gate.control !== undefined && gate.controls !== undefined) report("give either control or controls, not both", "controls");
  const controls = gate.controls ?? (gate.control !== undefined ? [gate.control] : []);
  if (isNative && controls.length > 0) report(`native gate "${name}" cannot be controlled`, "control");
  if (name === "cnot" && controls.length === 0) report(`"cnot" needs a "control" qubit (or "controls")`, "control");
  if (name === "swap" && gate.controls !== undefined) report(`"swap" cannot take a list of controls; use a single "control"`, "controls");
  if (new Set(controls).size !== controls.length) report("controls must be distinct qubits", "controls");
  if (controls.some((control) => targets.includes(control))) report("a qubit cannot be both a control and a target", "control");

  for (const [field, value] of [
    ["target", gate.target],
    ["control", gate.control],
  ] as const) {
    if (value !== undefined && value >= qubits)
      report(`qubit ${value} is out of range: the circuit declares ${qubits} qubit(s) (indices 0–${qubits - 1})`, field);
  }
  for (const [field, values] of [
    ["targets", gate.targets],
    ["controls", gate.controls],
  ] as const) {
    const outside = (values ?? []).filter((value) => value >= qubits);
    if (outside.length > 0)
      report(`qubit ${outside[0]} is out of range: the circuit declares ${qubits} qubit(s) (indices 0–${qubits - 1})`, field);
  }

  // Parameters: present where the gate needs them, absent where it would be ignored.
  if (rotationGates.has(name) && gate.rotation === undefined) report(`"${name}" needs a "rotation" in radians`, "rotation");
  if (!rotationGates.has(name) && gate.rotation !== undefined) report(`"rotation" applies only to rx, ry and rz`, "rotation");
  if ((name === "gpi" || name === "gpi2") && gate.phase === undefined) report(`"${name}" needs a "phase" in turns`, "phase");
  if (name !== "gpi" && name !== "gpi2" && gate.phase !== undefined) report(`"phase" applies only to gpi and gpi2`, "phase");
  if (name === "ms" && gate.phases === undefined) report(`"ms" needs "phases": [phase0, phase1] in turns`, "phases");
  if (name !== "ms" && gate.phases !== undefined) report(`"phases" applies only to ms`, "phases");
  if (name === "ms" && gate.angle !== undefined && (gate.angle < 0 || gate.angle > 0.25))
    report(`the ms "angle" must be between 0 and 0.25 turns`, "angle");
  if (name === "zz" && gate.angle === undefined) report(`"zz" needs an "angle" in turns`, "angle");
  if (name !== "ms" && name !== "zz" && gate.angle !== undefined) report(`"angle" applies only to ms and zz`, "angle");
  if (singleQubitQis.has(name) && gate.targets !== undefined && gate.targets.length > 1 && controls.length > 0)
    report("a controlled gate takes one target", "targets");
}

/** `ionq.circuit.v1` with every structural rule; the qubit limit is the largest IonQ target's. */
export const ionqCircuitSchema = z
  .object(
    {
      gateset: z.enum(["qis", "native"], 'must be "qis" or "native"').optional(),
      qubits: z
        .number("must be the number of qubits")
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(maxQubitsAnyTarget, `must be at most ${maxQubitsAnyTarget} (the largest IonQ target)`),
      circuit: z.array(gateShape, "must be a list of gates").max(maxGates, `must have at most ${maxGates} gates`),
    },
    'must be an ionq.circuit.v1 object: { "qubits": n, "circuit": [ … ] }',
  )
  .superRefine((value, ctx) => {
    const gateset = value.gateset ?? "qis";
    value.circuit.forEach((gate, index) =>
      checkGate(gate, gateset, value.qubits, (message, field) =>
        ctx.addIssue({ code: "custom", message, path: field ? ["circuit", index, field] : ["circuit", index] }),
      ),
    );
  })
  .transform((value): IonqCircuit => value as IonqCircuit);

/** What the app accepts to submit: a circuit, a target it fits, and a shot count. */
export const ionqSubmissionSchema = z
  .object(
    {
      circuit: ionqCircuitSchema,
      target: z
        .string("must be a target ID")
        .refine((target) => ionqTargets.includes(target), `must be one of ${ionqTargets.join(", ")}`)
        .default(defaultIonqTarget),
      shots: z
        .number("must be a number")
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(maxShots, `must be at most ${maxShots}`)
        .default(defaultShots),
      name: z.string("must be a string").trim().min(1, "must not be empty").max(256, "must be at most 256 characters").optional(),
    },
    "must be an object with a circuit",
  )
  .superRefine((value, ctx) => {
    const limit = ionqTargetQubits[value.target];
    if (limit !== undefined && value.circuit.qubits > limit)
      ctx.addIssue({
        code: "custom",
        message: `the circuit uses ${value.circuit.qubits} qubits but ${value.target} has ${limit}`,
        path: ["circuit", "qubits"],
      });
  });
export type IonqSubmission = z.infer<typeof ionqSubmissionSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    "",
  );
}

/** One readable line per problem, each naming where it is: `circuit[1].target: qubit 2 is out of range…`. */
export function describeIonqIssues(error: z.ZodError): string {
  const lines = error.issues.slice(0, 20).map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  if (error.issues.length > 20) lines.push(`…and ${error.issues.length - 20} more problem(s)`);
  return lines.join("; ");
}

export type IonqValidation<T> = { ok: true; value: T } | { ok: false; message: string };

/** Validates a circuit, optionally against a target's qubit count. */
export function parseIonqCircuit(value: unknown, options: { target?: string; maxQubits?: number } = {}): IonqValidation<IonqCircuit> {
  const result = ionqCircuitSchema.safeParse(value);
  if (!result.success) return { ok: false, message: describeIonqIssues(result.error) };
  const limit = options.maxQubits ?? (options.target !== undefined ? ionqTargetQubits[options.target] : undefined);
  if (options.target !== undefined && options.maxQubits === undefined && limit === undefined)
    return { ok: false, message: `target: must be one of ${ionqTargets.join(", ")}` };
  if (limit !== undefined && result.data.qubits > limit)
    return {
      ok: false,
      message: `qubits: the circuit uses ${result.data.qubits} qubits but ${options.target ?? "the target"} has ${limit}`,
    };
  return { ok: true, value: result.data };
}

export function parseIonqSubmission(value: unknown): IonqValidation<IonqSubmission> {
  const result = ionqSubmissionSchema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, message: describeIonqIssues(result.error) };
}
