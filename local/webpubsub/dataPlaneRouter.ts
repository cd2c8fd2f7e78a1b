// Dispatches HTTPS requests to the data-plane route table: path match (404/405), api-version (400),
// bearer token and role (401/403), path parameters (400), then the operation. Every refusal is an
// ErrorDetail body with `x-ms-error-code`; an unexpected fault is a 500 with no detail, never a crash.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClientAccessTokens } from "./clientAccessToken.js";
import type { ConnectionRegistry } from "./connectionRegistry.js";
import type { DataPlaneAuthorization } from "./dataPlaneAuthorization.js";
import { dataPlaneRoutes, validatePathParameter, type DataPlaneRoute } from "./dataPlaneRoutes.js";
import { ServiceError, writeServiceError } from "./serviceError.js";
import { checkHubName } from "./webPubSubNameRules.js";

/** api-versions of the data plane the emulator answers; the SDK in use sends 2024-12-01. */
export const supportedApiVersions: readonly string[] = ["2021-10-01", "2022-11-01", "2023-07-01", "2024-01-01", "2024-12-01"];

interface CompiledRoute {
  readonly route: DataPlaneRoute;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: DataPlaneRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter?.[1]) {
        names.push(parameter[1]);
        return "([^/]*)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

const compiledRoutes = dataPlaneRoutes.map(compile);

export interface DataPlaneRouterOptions {
  readonly registry: ConnectionRegistry;
  readonly tokens: ClientAccessTokens;
  readonly authorization: DataPlaneAuthorization;
  readonly endpoint: string;
  readonly maxBodyBytes: number;
}

function decode(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ServiceError(400, `The path parameter ${name} is not valid percent-encoding.`);
  }
}

export function createDataPlaneRouter(options: DataPlaneRouterOptions): (request: IncomingMessage, response: ServerResponse) => void {
  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "https://emulator.invalid");
    } catch {
      throw new ServiceError(400, "The request URL is invalid.");
    }
    const matches = compiledRoutes
      .map((compiled) => ({ compiled, match: compiled.pattern.exec(url.pathname) }))
      .filter((candidate): candidate is { compiled: CompiledRoute; match: RegExpExecArray } => candidate.match !== null);
    if (matches.length === 0) throw new ServiceError(404, `No operation at ${url.pathname.slice(0, 200)}.`);
    const selected = matches.find((candidate) => candidate.compiled.route.method === request.method);
    if (!selected) {
      response.setHeader("allow", [...new Set(matches.map((candidate) => candidate.compiled.route.method))].join(", "));
      throw new ServiceError(405, `The method ${request.method ?? ""} is not allowed here.`);
    }
    const { compiled, match } = selected;

    const apiVersion = url.searchParams.get("api-version");
    if (apiVersion === null) throw new ServiceError(400, "The api-version query parameter is required.");
    if (!supportedApiVersions.includes(apiVersion))
      throw new ServiceError(
        400,
        `The api-version '${apiVersion.slice(0, 40)}' is not supported; supported: ${supportedApiVersions.join(", ")}.`,
      );

    if (compiled.route.action) await options.authorization.authorize(request.headers, compiled.route.action);

    const params: Record<string, string> = {};
    let hub = "";
    compiled.names.forEach((name, index) => {
      const value = decode(match[index + 1] ?? "", name);
      if (name === "hub") hub = checkHubName(value);
      else {
        validatePathParameter(name, value);
        params[name] = value;
      }
    });

    const result = await compiled.route.handle({
      request,
      hub,
      params,
      query: url.searchParams,
      registry: options.registry,
      tokens: options.tokens,
      endpoint: options.endpoint,
      maxBodyBytes: options.maxBodyBytes,
    });
    if (result.body === undefined) {
      response.writeHead(result.status, { "content-length": 0 });
      response.end();
      return;
    }
    const text = JSON.stringify(result.body);
    response.writeHead(result.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    response.end(text);
  }

  return (request, response) => {
    dispatch(request, response).catch((error: unknown) => {
      if (error instanceof ServiceError) {
        // 413 after draining, or before reading a declared-oversized body: close so the rest is not parsed as a request.
        // No WWW-Authenticate on a 401: no capture of the service's challenge is public (azure-webpubsub#600 shows the status only).
        const extra: Record<string, string> = error.status === 413 ? { connection: "close" } : {};
        writeServiceError(response, error, extra);
        return;
      }
      if (!response.headersSent) {
        const body = JSON.stringify({ code: "Error.InternalServerError", message: "The emulator failed to process the request." });
        response.writeHead(500, { "content-type": "application/json; charset=utf-8", "x-ms-error-code": "Error.InternalServerError" });
        response.end(body);
      } else response.destroy();
    });
  };
}
