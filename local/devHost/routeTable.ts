// Finds the HTTP function for a request the way the host's router does: the route prefix, then the
// templates most specific first. A path that some function's route matches, with a method none of them
// accepts, is a 405 listing the methods that would work.
import { compareRoutePrecedence, splitRequestPath } from "./routeTemplate.js";
import type { IndexedFunction } from "./functionIndex.js";

export type RouteMatch =
  | { readonly kind: "function"; readonly target: IndexedFunction; readonly params: Record<string, string> }
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] }
  | { readonly kind: "not-found" }
  | { readonly kind: "bad-path" };

export interface RouteTable {
  match(method: string, pathname: string): RouteMatch;
}

export function buildRouteTable(functions: readonly IndexedFunction[], routePrefix: string): RouteTable {
  const prefixSegments = routePrefix.split("/").filter((segment) => segment !== "");
  const routes = functions
    .filter((candidate) => candidate.http)
    .map((candidate, order) => ({ candidate, order }))
    .sort((a, b) => compareRoutePrecedence(a.candidate.http!.route, b.candidate.http!.route) || a.order - b.order)
    .map(({ candidate }) => candidate);

  return {
    match(method, pathname) {
      const segments = splitRequestPath(pathname);
      if (!segments) return { kind: "bad-path" };
      for (const [index, prefix] of prefixSegments.entries()) {
        if (segments[index]?.toLowerCase() !== prefix.toLowerCase()) return { kind: "not-found" };
      }
      const rest = segments.slice(prefixSegments.length);
      const allow = new Set<string>();
      for (const route of routes) {
        const http = route.http!;
        const params = http.route.match(rest);
        if (!params) continue;
        if (http.methods.length === 0 || http.methods.includes(method.toUpperCase())) return { kind: "function", target: route, params };
        for (const allowed of http.methods) allow.add(allowed);
      }
      return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow] } : { kind: "not-found" };
    },
  };
}
