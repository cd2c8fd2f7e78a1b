// The providers and targets the emulated workspace offers (Providers_List), and what each accepts. IonQ's
// documented sizes are 29 qubits for ionq.simulator and 25 for ionq.qpu.aria-1 (learn.microsoft.com, "IonQ
// provider"); the emulator simulates every target noise-free on one state vector and caps it at
// `emulatorMaxQubits` so memory stays bounded (2^20 amplitudes = 16 MiB). A larger circuit fails the job with
// a message that says so. Formats are the IonQ target's (azure-quantum: ionq.circuit.v1 → ionq.quantum-results.v1).

/** 2^20 complex amplitudes as two Float64Arrays: 16 MiB per running job. */
export const emulatorMaxQubits = 20;

export interface EmulatedTarget {
  readonly id: string;
  /** The documented size of the real target. */
  readonly serviceQubits: number;
  readonly averageQueueTime: number;
  readonly statusPage: string;
}

export interface EmulatedProvider {
  readonly id: string;
  readonly inputDataFormats: readonly string[];
  readonly outputDataFormats: readonly string[];
  readonly targets: readonly EmulatedTarget[];
}

export const emulatedProviders: readonly EmulatedProvider[] = [
  {
    id: "ionq",
    inputDataFormats: ["ionq.circuit.v1"],
    outputDataFormats: ["ionq.quantum-results.v1"],
    targets: [
      { id: "ionq.simulator", serviceQubits: 29, averageQueueTime: 0, statusPage: "https://status.ionq.co" },
      { id: "ionq.qpu.aria-1", serviceQubits: 25, averageQueueTime: 0, statusPage: "https://status.ionq.co" },
    ],
  },
];

export function findTarget(providerId: string, targetId: string): { provider: EmulatedProvider; target: EmulatedTarget } | undefined {
  const provider = emulatedProviders.find((candidate) => candidate.id.toLowerCase() === providerId.toLowerCase());
  const target = provider?.targets.find((candidate) => candidate.id.toLowerCase() === targetId.toLowerCase());
  return provider && target ? { provider, target } : undefined;
}

export function isOfferedProvider(providerId: string): boolean {
  return emulatedProviders.some((candidate) => candidate.id.toLowerCase() === providerId.toLowerCase());
}

/** The largest circuit the emulator runs on a target. */
export function emulatedQubitLimit(target: EmulatedTarget): number {
  return Math.min(target.serviceQubits, emulatorMaxQubits);
}

/** spec: PagedProviderStatus. `numQubits` is what the emulator runs, so clients size circuits to it. */
export function providerStatusPage(): { value: unknown[]; nextLink: null } {
  return {
    value: emulatedProviders.map((provider) => ({
      id: provider.id,
      currentAvailability: "Available",
      targets: provider.targets.map((target) => ({
        id: target.id,
        currentAvailability: "Available",
        averageQueueTime: target.averageQueueTime,
        statusPage: target.statusPage,
        numQubits: emulatedQubitLimit(target),
        targetProfile: "Base",
        metadata: {
          emulator: "identity-probe local Quantum emulator (noise-free state-vector simulation)",
          serviceNumQubits: target.serviceQubits,
        },
      })),
    })),
    nextLink: null,
  };
}
