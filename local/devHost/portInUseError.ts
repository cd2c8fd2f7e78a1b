// A taken port is the one start failure a developer causes all the time (a second `npm start`): it gets
// its own error, so that the command line can say what to do instead of printing a stack.
import { createServer } from "node:net";

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly port: number) {
    super(`port ${port} is in use (another \`npm start\`?) — set PORT to use another`);
  }
}

/** True when `port` can be listened on at `host` right now (0 always can). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
