// Every hub's connections, groups and users. Hub names are case-insensitive in the service; group names
// and user IDs are case-sensitive. A group exists while it has connections (WebPubSub_GroupExists), a user
// while it has connections (WebPubSub_UserExists). AddUserToGroup affects the user's current connections
// only — the service keeps no user-group map for later connections (maintainers, Azure/azure-webpubsub#325).
import type WebSocket from "ws";
import { ClientConnection, type ClientProtocolName, type OutboundMessage } from "./clientConnection.js";
import type { ConnectionFilter } from "./connectionFilter.js";

/** How long a reliable connection whose socket dropped waits for the client to recover it (the docs tell clients to give up after a minute). */
const recoveryWindowMs = 60_000;

interface HubState {
  readonly connections: Map<string, ClientConnection>;
  readonly groups: Map<string, Set<ClientConnection>>;
}

export interface DeliveryTarget {
  readonly excluded?: ReadonlySet<string>;
  readonly filter?: ConnectionFilter;
}

export class ConnectionRegistry {
  private readonly hubs = new Map<string, HubState>();
  private readonly recoveryTimers = new Map<ClientConnection, NodeJS.Timeout>();

  private hubState(hub: string): HubState {
    const key = hub.toLowerCase();
    let state = this.hubs.get(key);
    if (!state) {
      state = { connections: new Map(), groups: new Map() };
      this.hubs.set(key, state);
    }
    return state;
  }

  open(options: {
    hub: string;
    userId: string | undefined;
    protocol: ClientProtocolName;
    roles: readonly string[];
    groups: readonly string[];
    socket: WebSocket;
  }): ClientConnection {
    const connection = new ClientConnection({
      hub: options.hub,
      userId: options.userId,
      protocol: options.protocol,
      roles: options.roles,
      onTerminated: (ended) => this.forget(ended),
      onSocketLost: (lost) => this.awaitRecovery(lost),
    });
    this.hubState(options.hub).connections.set(connection.connectionId, connection);
    // Groups from the token's `webpubsub.group` claim are joined before `connected` is sent.
    for (const group of options.groups) this.addToGroup(connection, group);
    connection.attach(options.socket);
    return connection;
  }

  /** A reliable connection whose reconnection token matches, or undefined. */
  findForRecovery(hub: string, connectionId: string, reconnectionToken: string): ClientConnection | undefined {
    const connection = this.get(hub, connectionId);
    if (!connection || !connection.isReliable || connection.reconnectionToken !== reconnectionToken) return undefined;
    return connection;
  }

  recover(connection: ClientConnection, socket: WebSocket): void {
    const timer = this.recoveryTimers.get(connection);
    if (timer) clearTimeout(timer);
    this.recoveryTimers.delete(connection);
    // A fresh token per socket: an old token cannot be replayed after a recovery.
    connection.rotateReconnectionToken();
    connection.attach(socket);
  }

  private awaitRecovery(connection: ClientConnection): void {
    const existing = this.recoveryTimers.get(connection);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.recoveryTimers.delete(connection);
      connection.terminate();
    }, recoveryWindowMs);
    timer.unref();
    this.recoveryTimers.set(connection, timer);
  }

  private forget(connection: ClientConnection): void {
    const timer = this.recoveryTimers.get(connection);
    if (timer) clearTimeout(timer);
    this.recoveryTimers.delete(connection);
    const state = this.hubState(connection.hub);
    state.connections.delete(connection.connectionId);
    for (const group of connection.groups) this.removeFromGroup(connection, group);
  }

  get(hub: string, connectionId: string): ClientConnection | undefined {
    return this.hubState(hub).connections.get(connectionId);
  }

  connections(hub: string): ClientConnection[] {
    return [...this.hubState(hub).connections.values()];
  }

  userConnections(hub: string, userId: string): ClientConnection[] {
    return this.connections(hub).filter((connection) => connection.userId === userId);
  }

  groupMembers(hub: string, group: string): ClientConnection[] {
    return [...(this.hubState(hub).groups.get(group) ?? [])];
  }

  addToGroup(connection: ClientConnection, group: string): void {
    if (connection.isTerminated) return;
    const groups = this.hubState(connection.hub).groups;
    let members = groups.get(group);
    if (!members) {
      members = new Set();
      groups.set(group, members);
    }
    members.add(connection);
    connection.groups.add(group);
  }

  removeFromGroup(connection: ClientConnection, group: string): void {
    const groups = this.hubState(connection.hub).groups;
    const members = groups.get(group);
    members?.delete(connection);
    if (members?.size === 0) groups.delete(group);
    connection.groups.delete(group);
  }

  deliver(connections: Iterable<ClientConnection>, message: OutboundMessage, target: DeliveryTarget = {}): void {
    for (const connection of connections) {
      if (target.excluded?.has(connection.connectionId)) continue;
      if (target.filter && !target.filter({ connectionId: connection.connectionId, userId: connection.userId, groups: connection.groups }))
        continue;
      connection.deliver(message);
    }
  }

  /** Emulator shutdown: every socket goes, every timer stops. */
  closeAll(): void {
    for (const timer of this.recoveryTimers.values()) clearTimeout(timer);
    this.recoveryTimers.clear();
    for (const state of this.hubs.values()) {
      for (const connection of state.connections.values()) {
        connection.destroySocket();
        connection.terminate();
      }
    }
    this.hubs.clear();
  }
}
