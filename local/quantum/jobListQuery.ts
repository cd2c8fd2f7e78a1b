// Jobs_List's query (spec CustomFilterQueryParameter, CustomSkipQueryParameter, CustomTopQueryParameter,
// CustomOrderByQueryParameter: `filter`, `skip`, `top`, `orderby`, without the OData `$`). The filter language
// is the subset the Azure Quantum SDK writes (azure-quantum Workspace._create_filter / _create_orderby):
//   startswith(Name, 'x') · Field eq 'v' · CreationTime ge 2024-01-01 · and · or · not · ( … )
// over Name, ItemType, JobType, ProviderId, Target, State (the job status), CreationTime and Id. Anything else is
// a 400 naming what was not understood. `top` is the page size here: the answer carries a nextLink while
// more jobs match.
import { QuantumServiceError } from "./quantumServiceError.js";

export interface ListableJob {
  readonly id: string;
  readonly name: string;
  readonly itemType: string;
  readonly jobType: string;
  readonly providerId: string;
  readonly target: string;
  readonly status: string;
  readonly creationTime: string;
}

export interface JobListQuery {
  readonly top: number;
  readonly skip: number;
  readonly filter: string | undefined;
  readonly orderby: string | undefined;
  readonly matches: (job: ListableJob) => boolean;
  readonly compare: (a: ListableJob, b: ListableJob) => number;
}

export const defaultPageSize = 100;
export const maxPageSize = 1000;
const maxFilterLength = 2048;
const maxDepth = 32;

const fields: Readonly<Record<string, keyof ListableJob>> = {
  name: "name",
  itemtype: "itemType",
  jobtype: "jobType",
  providerid: "providerId",
  target: "target",
  state: "status",
  status: "status",
  creationtime: "creationTime",
  id: "id",
};

function badQuery(parameter: string, message: string): QuantumServiceError {
  return new QuantumServiceError(400, "InvalidQueryParameter", `The '${parameter}' query parameter is invalid: ${message}`, {
    target: parameter,
  });
}

function integerParameter(name: string, raw: string | null, min: number, max: number, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d{1,10}$/.test(raw)) throw badQuery(name, `must be a whole number from ${min} to ${max}.`);
  const value = Number(raw);
  if (value < min || value > max) throw badQuery(name, `must be a whole number from ${min} to ${max}.`);
  return value;
}

type Token =
  | { kind: "word"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "punct"; text: "(" | ")" | ","; at: number };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const char = filter[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "(" || char === ")" || char === ",") {
      tokens.push({ kind: "punct", text: char, at: i });
      i += 1;
    } else if (char === "'") {
      // OData string literal: '' is an escaped quote.
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= filter.length) throw badQuery("filter", `unterminated string starting at position ${i + 1}.`);
        if (filter[j] === "'") {
          if (filter[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += filter[j];
        j += 1;
      }
      tokens.push({ kind: "string", text, at: i });
      i = j + 1;
    } else {
      const match = /^[\w.:+-]+/.exec(filter.slice(i));
      if (!match) throw badQuery("filter", `unexpected character '${char}' at position ${i + 1}.`);
      tokens.push({ kind: "word", text: match[0], at: i });
      i += match[0].length;
    }
  }
  return tokens;
}

type Predicate = (job: ListableJob) => boolean;

function parseFilter(filter: string): Predicate {
  const tokens = tokenize(filter);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const describe = (token: Token | undefined): string =>
    token ? `'${token.text.slice(0, 40)}' at position ${token.at + 1}` : "the end of the filter";
  const isWord = (token: Token | undefined, word: string): boolean => token?.kind === "word" && token.text.toLowerCase() === word;
  const expect = (text: "(" | ")" | ","): void => {
    const token = peek();
    if (token?.kind !== "punct" || token.text !== text) throw badQuery("filter", `expected '${text}' but found ${describe(token)}.`);
    position += 1;
  };
  const field = (): keyof ListableJob => {
    const token = peek();
    const name = token?.kind === "word" ? fields[token.text.toLowerCase()] : undefined;
    if (!name) throw badQuery("filter", `expected a field (${Object.keys(fields).join(", ")}) but found ${describe(token)}.`);
    position += 1;
    return name;
  };

  function comparison(depth: number): Predicate {
    const token = peek();
    if (token?.kind === "punct" && token.text === "(") {
      position += 1;
      const inner = orExpression(depth + 1);
      expect(")");
      return inner;
    }
    if (isWord(token, "not")) {
      position += 1;
      const inner = comparison(depth + 1);
      return (job) => !inner(job);
    }
    if (isWord(token, "startswith") || isWord(token, "endswith") || isWord(token, "contains")) {
      const fn = (token as Token).text.toLowerCase();
      position += 1;
      expect("(");
      const name = field();
      expect(",");
      const literal = peek();
      if (literal?.kind !== "string") throw badQuery("filter", `expected a quoted string but found ${describe(literal)}.`);
      position += 1;
      expect(")");
      const needle = literal.text.toLowerCase();
      return (job) => {
        const value = job[name].toLowerCase();
        return fn === "startswith" ? value.startsWith(needle) : fn === "endswith" ? value.endsWith(needle) : value.includes(needle);
      };
    }
    const name = field();
    const operator = peek();
    const op = operator?.kind === "word" ? operator.text.toLowerCase() : "";
    if (!["eq", "ne", "gt", "ge", "lt", "le"].includes(op))
      throw badQuery("filter", `expected eq, ne, gt, ge, lt or le but found ${describe(operator)}.`);
    position += 1;
    const literal = peek();
    if (!literal || literal.kind === "punct") throw badQuery("filter", `expected a value but found ${describe(literal)}.`);
    position += 1;
    if (name === "creationTime") {
      const when = Date.parse(literal.text);
      if (literal.kind !== "word" || !Number.isFinite(when))
        throw badQuery("filter", `expected a date or date-time for CreationTime but found ${describe(literal)}.`);
      return (job) => compareWith(op, Date.parse(job.creationTime) - when);
    }
    if (literal.kind !== "string") throw badQuery("filter", `expected a quoted string for ${name} but found ${describe(literal)}.`);
    const expected = literal.text.toLowerCase();
    return (job) => compareWith(op, job[name].toLowerCase().localeCompare(expected));
  }

  function andExpression(depth: number): Predicate {
    if (depth > maxDepth) throw badQuery("filter", "is nested too deeply.");
    const parts = [comparison(depth)];
    while (isWord(peek(), "and")) {
      position += 1;
      parts.push(comparison(depth));
    }
    return (job) => parts.every((part) => part(job));
  }

  function orExpression(depth: number): Predicate {
    if (depth > maxDepth) throw badQuery("filter", "is nested too deeply.");
    const parts = [andExpression(depth)];
    while (isWord(peek(), "or")) {
      position += 1;
      parts.push(andExpression(depth));
    }
    return (job) => parts.some((part) => part(job));
  }

  const predicate = orExpression(0);
  if (position < tokens.length) throw badQuery("filter", `unexpected ${describe(peek())}.`);
  return predicate;
}

function compareWith(op: string, difference: number): boolean {
  switch (op) {
    case "eq":
      return difference === 0;
    case "ne":
      return difference !== 0;
    case "gt":
      return difference > 0;
    case "ge":
      return difference >= 0;
    case "lt":
      return difference < 0;
    default:
      return difference <= 0;
  }
}

function parseOrderBy(orderby: string | undefined): (a: ListableJob, b: ListableJob) => number {
  const keys = (orderby ?? "CreationTime desc").split(",").map((part) => {
    const [fieldName = "", direction = "asc", ...rest] = part.trim().split(/\s+/);
    const name = fields[fieldName.toLowerCase()];
    if (!name || rest.length > 0 || !["asc", "desc"].includes(direction.toLowerCase()))
      throw badQuery("orderby", `expected '<field> asc|desc' with a field among ${Object.keys(fields).join(", ")}.`);
    return { name, sign: direction.toLowerCase() === "desc" ? -1 : 1 };
  });
  return (a, b) => {
    for (const { name, sign } of keys) {
      const difference = name === "creationTime" ? Date.parse(a.creationTime) - Date.parse(b.creationTime) : a[name].localeCompare(b[name]);
      if (difference !== 0) return sign * difference;
    }
    // A stable order across pages for jobs created in the same millisecond.
    return a.id.localeCompare(b.id);
  };
}

export function parseJobListQuery(search: URLSearchParams): JobListQuery {
  const top = integerParameter("top", search.get("top"), 1, maxPageSize, defaultPageSize);
  const skip = integerParameter("skip", search.get("skip"), 0, 2 ** 31 - 1, 0);
  const filter = search.get("filter") ?? undefined;
  if (filter !== undefined && filter.length > maxFilterLength) throw badQuery("filter", `must be at most ${maxFilterLength} characters.`);
  const orderby = search.get("orderby") ?? undefined;
  if (orderby !== undefined && orderby.length > 256) throw badQuery("orderby", "must be at most 256 characters.");
  const matches = filter !== undefined && filter.trim() !== "" ? parseFilter(filter) : () => true;
  return { top, skip, filter, orderby, matches, compare: parseOrderBy(orderby) };
}
