// One client connection (a "session" in the reliable protocol's words): its identity, groups and
// permissions, and how messages reach it on its subprotocol. A reliable connection outlives its socket:
// messages carry `sequenceId`s and stay buffered until the client's `sequenceAck`, and a new socket that
// presents the reconnection token resumes the same connection and gets the unacknowledged messages again
// ("Create reliable WebSocket clients": reconnection, subscriber).
import { randomBytes } from "node:crypto";
import WebSocket from "ws";

export type ClientProtocolName = "json.webpubsub.azure.v1" | "json.reliable.webpubsub.azure.v1" | "raw";

export type MessagePayload =
  | { readonly dataType: "json"; readonly value: unknown }
  | { readonly dataType: "text"; readonly text: string }
  | { readonly dataType: "binary"; readonly bytes: Buffer };

export interface OutboundMessage {
  readonly from: "server" | "group";
  readonly group?: string;
  readonly fromUserId?: string;
  readonly payload: MessagePayload;
  /** messageTtlSeconds: a message not delivered by then is dropped. */
  readonly expiresAt?: number;
}

/** The service holds unacknowledged messages "with limit", then drops the session; these are the emulator's limits. */
const maxBufferedMessages = 10_000;
const maxBufferedBytes = 32 * 1024 * 1024;
/** Processed ackIds remembered per connection for the `Duplicate` answer. */
const maxRememberedAckIds = 10_000;
/** WebSocket close reasons are limited to 123 bytes. */
const maxCloseReasonBytes = 120;

interface BufferedFrame {
  readonly sequenceId: number;
  readonly frame: string;
  readonly expiresAt: number | undefined;
}

export function newConnectionId(): string {
  return randomBytes(16).toString("base64url");
}

function truncateReason(reason: string): string {
  let result = reason;
  while (Buffer.byteLength(result) > maxCloseReasonBytes) result = result.slice(0, -1);
  return result;
}

function payloadForJson(payload: MessagePayload): { dataType: string; data: unknown } {
  switch (payload.dataType) {
    case "json":
      return { dataType: "json", data: payload.value };
    case "text":
      return { dataType: "text", data: payload.text };
    case "binary":
      // JSON subprotocols carry binary as base64 ("Case 3: Sending binary data").
      return { dataType: "binary", data: payload.bytes.toString("base64") };
  }
}

export interface ClientConnectionOptions {
  readonly hub: string;
  readonly userId: string | undefined;
  readonly protocol: ClientProtocolName;
  readonly roles: readonly string[];
  /** Called when the connection is gone for good (closed, or its buffer overflowed). */
  readonly onTerminated: (connection: ClientConnection) => void;
  /** Called when a reliable connection's socket drops without the connection ending. */
  readonly onSocketLost: (connection: ClientConnection) => void;
}

export class ClientConnection {
  readonly connectionId = newConnectionId();
  readonly hub: string;
  readonly userId: string | undefined;
  readonly protocol: ClientProtocolName;
  readonly groups = new Set<string>();
  /** Client roles from the token plus runtime grants: `webpubsub.joinLeaveGroup[.<group>]`, `webpubsub.sendToGroup[.<group>]`. */
  readonly permissions: Set<string>;
  private currentReconnectionToken = randomBytes(24).toString("base64url");
  private socket: WebSocket | undefined;
  private nextSequenceId = 1;
  private buffered: BufferedFrame[] = [];
  private bufferedBytes = 0;
  private readonly processedAckIds = new Set<string>();
  private terminated = false;

  constructor(private readonly options: ClientConnectionOptions) {
    this.hub = options.hub;
    this.userId = options.userId;
    this.protocol = options.protocol;
    this.permissions = new Set(options.roles);
  }

  get reconnectionToken(): string {
    return this.currentReconnectionToken;
  }

  rotateReconnectionToken(): void {
    this.currentReconnectionToken = randomBytes(24).toString("base64url");
  }

  get isReliable(): boolean {
    return this.protocol === "json.reliable.webpubsub.azure.v1";
  }

  get isTerminated(): boolean {
    return this.terminated;
  }

  get isOnline(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Binds a (new) socket; a reliable connection gets `connected` again and every unacknowledged message. */
  attach(socket: WebSocket): void {
    const previous = this.socket;
    this.socket = socket;
    if (previous && previous !== socket) previous.terminate();
    socket.on("close", (code) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.terminated) return;
      // 1006: the socket went away without a close frame (a network failure) — a reliable connection
      // waits for recovery. A client that closes properly ends its connection.
      if (this.isReliable && code === 1006) this.options.onSocketLost(this);
      else this.terminate();
    });
    if (this.protocol === "raw") return;
    this.sendControl({
      type: "system",
      event: "connected",
      userId: this.userId ?? null,
      connectionId: this.connectionId,
      ...(this.isReliable ? { reconnectionToken: this.reconnectionToken } : {}),
    });
    if (this.isReliable) {
      const now = Date.now();
      for (const entry of this.buffered) if (entry.expiresAt === undefined || entry.expiresAt > now) socket.send(entry.frame);
    }
  }

  /** Abruptly drops the socket as a network failure would; a reliable connection waits for recovery. */
  dropSocket(): boolean {
    if (!this.socket) return false;
    this.socket.terminate();
    return true;
  }

  /** Sends a frame that is not a data message (ack, pong, system): never buffered, no sequenceId. */
  sendControl(frame: Record<string, unknown>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  deliver(message: OutboundMessage): void {
    if (this.terminated) return;
    if (message.expiresAt !== undefined && message.expiresAt <= Date.now()) return;
    if (this.protocol === "raw") {
      // A simple WebSocket client gets the payload itself: text frames for json/text, binary frames for binary.
      if (!this.isOnline) return;
      const { payload } = message;
      if (payload.dataType === "binary") this.socket?.send(payload.bytes, { binary: true });
      else this.socket?.send(payload.dataType === "json" ? JSON.stringify(payload.value) : payload.text, { binary: false });
      return;
    }
    const body = {
      type: "message",
      from: message.from,
      ...(message.group !== undefined ? { group: message.group } : {}),
      ...payloadForJson(message.payload),
      ...(message.fromUserId !== undefined ? { fromUserId: message.fromUserId } : {}),
    };
    if (!this.isReliable) {
      if (this.isOnline) this.socket?.send(JSON.stringify(body));
      return;
    }
    const sequenceId = this.nextSequenceId++;
    const frame = JSON.stringify({ sequenceId, ...body });
    this.buffered.push({ sequenceId, frame, expiresAt: message.expiresAt });
    this.bufferedBytes += frame.length;
    if (this.buffered.length > maxBufferedMessages || this.bufferedBytes > maxBufferedBytes) {
      this.close("Too many unacknowledged messages: the client must send sequenceAck.");
      return;
    }
    if (this.isOnline) this.socket?.send(frame);
  }

  /** sequenceAck: everything up to `sequenceId` has arrived (selective ack of the largest id). */
  acknowledgeSequence(sequenceId: number): void {
    let dropped = 0;
    while (dropped < this.buffered.length && (this.buffered[dropped]?.sequenceId ?? Infinity) <= sequenceId) {
      this.bufferedBytes -= this.buffered[dropped]?.frame.length ?? 0;
      dropped++;
    }
    if (dropped > 0) this.buffered = this.buffered.slice(dropped);
  }

  /** True the first time an ackId is seen succeeding; false for a duplicate. */
  isDuplicateAck(ackId: string): boolean {
    return this.processedAckIds.has(ackId);
  }

  rememberAck(ackId: string): void {
    this.processedAckIds.add(ackId);
    if (this.processedAckIds.size > maxRememberedAckIds) {
      const oldest = this.processedAckIds.values().next();
      if (!oldest.done) this.processedAckIds.delete(oldest.value);
    }
  }

  hasPermission(permission: "joinLeaveGroup" | "sendToGroup", group: string): boolean {
    return this.permissions.has(`webpubsub.${permission}`) || this.permissions.has(`webpubsub.${permission}.${group}`);
  }

  /** Ends the connection for good: a `disconnected` message, then close code 1008 (the connection is removed, so clients do not try to recover it). */
  close(reason: string, code = 1008): void {
    if (this.terminated) return;
    const socket = this.socket;
    if (socket && this.protocol !== "raw") this.sendControl({ type: "system", event: "disconnected", message: reason });
    this.terminate();
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING))
      socket.close(code, truncateReason(reason));
  }

  /** Forgets the connection without telling the client (its socket is already gone). */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.buffered = [];
    this.bufferedBytes = 0;
    this.options.onTerminated(this);
  }

  /** For emulator shutdown: no goodbye, just gone. */
  destroySocket(): void {
    this.socket?.terminate();
  }
}
