// HTTP trigger route templates with ASP.NET Core routing's syntax and matching, which the Functions host
// uses: literal segments (matched without regard to case), `{name}`, optional `{name?}`, defaults
// `{name=value}`, catch-all `{*rest}` / `{**rest}` (the rest of the path, slashes included), inline
// constraints `{id:int}`, and complex segments such as `{name}.{ext}`.
import { parseRouteConstraint, type RouteConstraint } from "./routeConstraint.js";

interface LiteralPart {
  readonly kind: "literal";
  readonly text: string;
}

interface ParameterPart {
  readonly kind: "parameter";
  readonly name: string;
  readonly isCatchAll: boolean;
  readonly isOptional: boolean;
  readonly defaultValue: string | undefined;
  readonly constraints: readonly RouteConstraint[];
}

type TemplatePart = LiteralPart | ParameterPart;

interface TemplateSegment {
  readonly parts: readonly TemplatePart[];
  /** For complex segments: the parts as one case-insensitive regular expression. */
  readonly pattern?: RegExp;
}

export interface RouteTemplate {
  /** The template as registered, without leading or trailing slash. */
  readonly template: string;
  readonly parameterNames: readonly string[];
  /**
   * ASP.NET Core's inbound precedence, one digit per segment: 1 literal, 2 complex, 3 constrained
   * parameter, 4 parameter, 5 catch-all. Lower sorts first, so `blobs` wins over `blobs/{*name}` for `/blobs`.
   */
  readonly precedence: readonly number[];
  /** The route values when `segments` (decoded path segments after the route prefix) match; else undefined. */
  match(segments: readonly string[]): Record<string, string> | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Splits on `/` outside braces: a constraint argument (a regex) may contain a slash. */
function splitSegments(template: string): string[] {
  const segments: string[] = [];
  let current = "";
  let depth = 0;
  for (const char of template) {
    if (char === "{") depth += 1;
    else if (char === "}") depth = Math.max(0, depth - 1);
    if (char === "/" && depth === 0) {
      segments.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

function parseParameter(body: string, template: string): ParameterPart {
  let text = body;
  let isCatchAll = false;
  if (text.startsWith("**")) {
    isCatchAll = true;
    text = text.slice(2);
  } else if (text.startsWith("*")) {
    isCatchAll = true;
    text = text.slice(1);
  }
  let isOptional = false;
  if (text.endsWith("?")) {
    isOptional = true;
    text = text.slice(0, -1);
  }
  // name, then `:constraint` items (whose parenthesised arguments may hold ':' or '='), then `=default`.
  const nameMatch = /^[^:=?*{}/]+/.exec(text);
  const name = nameMatch?.[0] ?? "";
  if (!name) throw new Error(`The route template "${template}" has a parameter without a name.`);
  let rest = text.slice(name.length);
  const constraints: RouteConstraint[] = [];
  let defaultValue: string | undefined;
  while (rest.length > 0) {
    if (rest.startsWith("=")) {
      defaultValue = rest.slice(1);
      break;
    }
    if (!rest.startsWith(":")) throw new Error(`The route template "${template}" has a malformed parameter "{${body}}".`);
    let depth = 0;
    let end = 1;
    for (; end < rest.length; end += 1) {
      const char = rest[end];
      if (char === "(") depth += 1;
      else if (char === ")") depth -= 1;
      else if (depth === 0 && (char === ":" || char === "=")) break;
    }
    constraints.push(parseRouteConstraint(rest.slice(1, end)));
    rest = rest.slice(end);
  }
  if (isOptional && defaultValue !== undefined) {
    throw new Error(`The route template "${template}": parameter "${name}" cannot be optional and have a default value.`);
  }
  if (isCatchAll && isOptional) throw new Error(`The route template "${template}": a catch-all parameter cannot be marked optional.`);
  return { kind: "parameter", name, isCatchAll, isOptional, defaultValue, constraints };
}

function parseSegment(text: string, template: string): TemplateSegment {
  const parts: TemplatePart[] = [];
  let literal = "";
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "{" && text[index + 1] === "{") {
      literal += "{";
      index += 1;
    } else if (char === "}" && text[index + 1] === "}") {
      literal += "}";
      index += 1;
    } else if (char === "{") {
      let depth = 0;
      let end = index + 1;
      for (; end < text.length; end += 1) {
        if (text[end] === "(") depth += 1;
        else if (text[end] === ")") depth -= 1;
        else if (text[end] === "}" && depth <= 0) break;
      }
      if (end >= text.length) throw new Error(`The route template "${template}" has an unclosed "{".`);
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      // Inside a parameter `{{` and `}}` stand for literal braces (a regex constraint's quantifier).
      const parameter = parseParameter(
        text
          .slice(index + 1, end)
          .replace(/\{\{/g, "{")
          .replace(/\}\}/g, "}"),
        template,
      );
      if (parts.at(-1)?.kind === "parameter") {
        throw new Error(`The route template "${template}": a path segment cannot contain two consecutive parameters.`);
      }
      parts.push(parameter);
      index = end;
    } else if (char === "}" || char === "?") {
      throw new Error(`The route template "${template}" has an unexpected "${char}".`);
    } else {
      literal += char;
    }
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  if (parts.length === 0) throw new Error(`The route template "${template}" has an empty segment.`);
  if (parts.length === 1) return { parts };

  for (const [index, part] of parts.entries()) {
    if (part.kind !== "parameter") continue;
    if (part.isCatchAll) throw new Error(`The route template "${template}": a catch-all parameter must be a whole segment.`);
    if (part.isOptional && index !== parts.length - 1) {
      throw new Error(`The route template "${template}": an optional parameter must be at the end of its segment.`);
    }
  }
  // Greedy from the left is ASP.NET Core's right-to-left lazy matching: `{name}.{ext}` on a.b.pdf gives ext "pdf".
  const source = parts.map((part) => (part.kind === "literal" ? escapeRegExp(part.text) : part.isOptional ? "(.*)" : "(.+)")).join("");
  return { parts, pattern: new RegExp(`^${source}$`, "is") };
}

function segmentPrecedence(segment: TemplateSegment): number {
  const [first] = segment.parts;
  if (segment.parts.length > 1) return 2;
  if (!first || first.kind === "literal") return 1;
  if (first.isCatchAll) return 5;
  return first.constraints.length > 0 ? 3 : 4;
}

function passes(parameter: ParameterPart, value: string): boolean {
  return parameter.constraints.every((constraint) => constraint(value));
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^~?\/+/, "").replace(/\/+$/, "");
  const segments = trimmed === "" ? [] : splitSegments(trimmed).map((segment) => parseSegment(segment, template));

  const parameters = segments.flatMap((segment) => segment.parts.filter((part): part is ParameterPart => part.kind === "parameter"));
  const seen = new Set<string>();
  for (const parameter of parameters) {
    const key = parameter.name.toLowerCase();
    if (seen.has(key)) throw new Error(`The route template "${template}" uses the parameter name "${parameter.name}" more than once.`);
    seen.add(key);
  }
  for (const [index, segment] of segments.entries()) {
    const [first] = segment.parts;
    if (first?.kind === "parameter" && first.isCatchAll && index !== segments.length - 1) {
      throw new Error(`The route template "${template}": a catch-all parameter must be the last segment.`);
    }
  }

  function match(pathSegments: readonly string[]): Record<string, string> | undefined {
    const values: Record<string, string> = {};
    for (const [index, segment] of segments.entries()) {
      const [first] = segment.parts;
      if (segment.parts.length === 1 && first?.kind === "parameter" && first.isCatchAll) {
        const rest = pathSegments.slice(index).join("/");
        if (rest === "") {
          if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
        } else {
          if (!passes(first, rest)) return undefined;
          values[first.name] = rest;
        }
        return values;
      }
      const value = pathSegments[index];
      if (value === undefined) {
        // A missing segment matches only an optional parameter or one with a default.
        if (segment.parts.length === 1 && first?.kind === "parameter" && (first.isOptional || first.defaultValue !== undefined)) {
          if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
          continue;
        }
        return undefined;
      }
      if (segment.parts.length === 1 && first) {
        if (first.kind === "literal") {
          if (first.text.toLowerCase() !== value.toLowerCase()) return undefined;
          continue;
        }
        if (value === "" || !passes(first, value)) return undefined;
        values[first.name] = value;
        continue;
      }
      const captured = segment.pattern?.exec(value);
      if (!captured) return undefined;
      let group = 1;
      for (const part of segment.parts) {
        if (part.kind !== "parameter") continue;
        const partValue = captured[group] ?? "";
        group += 1;
        if (partValue === "") {
          if (part.defaultValue !== undefined) values[part.name] = part.defaultValue;
          continue;
        }
        if (!passes(part, partValue)) return undefined;
        values[part.name] = partValue;
      }
    }
    return pathSegments.length > segments.length ? undefined : values;
  }

  return {
    template: trimmed,
    parameterNames: parameters.map((parameter) => parameter.name),
    precedence: segments.map(segmentPrecedence),
    match,
  };
}

/** Orders templates most specific first (ASP.NET Core's inbound precedence), keeping registration order on ties. */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (a.precedence[index] ?? 0) - (b.precedence[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The path's segments as the host's web server (Kestrel) sees them: split on `/`, each percent-decoded
 * except `%2F`, which stays encoded so that an encoded slash never becomes a path separator. Undefined
 * when a segment is not valid percent-encoded UTF-8.
 */
export function splitRequestPath(pathname: string): string[] | undefined {
  const raw = pathname.replace(/^\/+/, "");
  if (raw === "") return [];
  const segments = raw.split("/");
  if (segments.at(-1) === "") segments.pop();
  try {
    return segments.map((segment) =>
      segment
        .split(/%2f/i)
        .map((part) => decodeURIComponent(part))
        .join("%2F"),
    );
  } catch {
    return undefined;
  }
}
