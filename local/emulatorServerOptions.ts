import type { RoleTable } from "./rbac/roleTable.js";

/** What every local HTTPS emulator needs: its certificate from the local CA and the identity endpoint's keys. */
export interface EmulatorServerOptions {
  /** Server certificate and key issued by the local CA. */
  readonly certPath: string;
  readonly keyPath: string;
  /** Where the local identity endpoint publishes the keys that sign its tokens, and their issuer. */
  readonly jwksUrl: string;
  readonly issuer: string;
  /** Default 127.0.0.1 and a free port. */
  readonly host?: string;
  readonly port?: number;
  /** The stack's one role-assignment table; each emulator alone starts one with the default assignments. */
  readonly roles?: RoleTable;
  /** The emulated resource's ARM ID: the scope role assignments must cover. */
  readonly resourceId?: string;
}
