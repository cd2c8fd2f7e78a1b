// ARM's error shape: `{ "error": { "code", "message" } }` (common-types ErrorResponse, the `default` response of
// every Microsoft.Authorization and Microsoft.Resources operation) — sent only where ARM's own words are public
// (armErrors.ts cites each). Everywhere else the emulator answers with the status alone: its code and message say
// why, are kept for its tests (ArmEmulator.refusal), and are not sent, so nothing can come to depend on wording
// made up here.

export type ArmErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 500;

/** A refused request; thrown by the router and route handlers, written by the emulator. */
export class ArmError extends Error {
  override readonly name = "ArmError";
  constructor(
    readonly status: ArmErrorStatus,
    readonly code: string,
    message: string,
    readonly options: {
      /** The code and message are ARM's own, from a public source: they are sent. */
      isArmWording?: boolean;
      headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
  }
}

/** Why the emulator refused a request, kept by x-ms-request-id; never sent unless it is ARM's wording. */
export interface ArmRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly isSent: boolean;
}

export function refusalOf(error: ArmError): ArmRefusal {
  return { status: error.status, code: error.code, message: error.message, isSent: error.options.isArmWording === true };
}

/** A refusal sent as the status alone; `code` and `reason` are the emulator's, kept in its refusal log. */
export function statusOnly(status: ArmErrorStatus, code: string, reason: string, headers?: Readonly<Record<string, string>>): ArmError {
  return new ArmError(status, code, reason, headers ? { headers } : {});
}
