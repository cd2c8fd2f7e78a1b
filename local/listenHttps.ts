// Every local HTTPS server listens the same way: loopback and a free port unless told otherwise, and
// answers with the endpoint clients use (an IPv6 address in brackets).
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";

export async function listenHttps(server: Server, options: { readonly host?: string; readonly port?: number }): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `https://${host}:${address.port}`;
}
