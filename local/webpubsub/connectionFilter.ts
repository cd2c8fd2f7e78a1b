// The `filter` parameter of the Send* and :addToGroups/:removeFromGroups operations: the OData subset the
// service documents in "OData filter syntax in Azure Web PubSub service" — identifiers `userId`,
// `connectionId` (strings, possibly null) and `groups` (a collection); `and`, `or`, `not`; `eq`, `ne`,
// `gt`, `ge`, `lt`, `le`; `in` over a literal list or `groups`; string functions startswith, endswith,
// contains, tolower, toupper, trim, substring, indexof, concat, length; literals null, true, false,
// integers and 'quoted' strings ('' escapes a quote). Precedence as documented, highest first: `not`,
// comparisons, `and`, `or` — so `not length(userId) gt 5` is a type error, as the service reports it.
// The expression is type-checked when parsed, so a bad filter is a 400 before anything is sent.

export interface FilterSubject {
  readonly connectionId: string;
  readonly userId: string | undefined;
  readonly groups: ReadonlySet<string>;
}

export type ConnectionFilter = (subject: FilterSubject) => boolean;

export class FilterSyntaxError extends Error {
  override readonly name = "FilterSyntaxError";
}

/** Bounds for hostile input: the service warns at about 100 clauses; nesting is bounded so parsing cannot overflow the stack. */
const maxFilterLength = 8192;
const maxClauses = 256;
const maxDepth = 32;

type Token =
  | { readonly kind: "word"; readonly text: string; readonly at: number }
  | { readonly kind: "string"; readonly value: string; readonly at: number }
  | { readonly kind: "int"; readonly value: number; readonly at: number }
  | { readonly kind: "(" | ")" | ","; readonly at: number }
  | { readonly kind: "end"; readonly at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? "";
    if (/\s/.test(char)) {
      index++;
    } else if (char === "(" || char === ")" || char === ",") {
      tokens.push({ kind: char, at: index });
      index++;
    } else if (char === "'") {
      const start = index;
      let value = "";
      index++;
      for (;;) {
        if (index >= text.length) throw new FilterSyntaxError(`Unterminated string literal at position ${start}.`);
        const next = text[index] ?? "";
        if (next === "'") {
          if (text[index + 1] === "'") {
            value += "'";
            index += 2;
            continue;
          }
          index++;
          break;
        }
        value += next;
        index++;
      }
      tokens.push({ kind: "string", value, at: start });
    } else if (/[0-9+-]/.test(char)) {
      const match = /^[+-]?[0-9]+/.exec(text.slice(index));
      if (!match) throw new FilterSyntaxError(`Unexpected character '${char}' at position ${index}.`);
      const value = Number(match[0]);
      if (!Number.isSafeInteger(value)) throw new FilterSyntaxError(`Integer literal out of range at position ${index}.`);
      tokens.push({ kind: "int", value, at: index });
      index += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index));
      const word = match?.[0] ?? char;
      tokens.push({ kind: "word", text: word, at: index });
      index += word.length;
    } else {
      throw new FilterSyntaxError(`Unexpected character '${char}' at position ${index}.`);
    }
  }
  tokens.push({ kind: "end", at: text.length });
  return tokens;
}

type ValueType = "string" | "int" | "bool" | "null" | "collection";
type Value = string | number | boolean | null | ReadonlySet<string>;
interface Node {
  readonly type: ValueType;
  readonly evaluate: (subject: FilterSubject) => Value;
}

const comparisonOperators = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const reservedWords = new Set(["and", "or", "not", "in", ...comparisonOperators]);

function isStringLike(type: ValueType): boolean {
  return type === "string" || type === "null";
}

function describe(token: Token): string {
  switch (token.kind) {
    case "word":
      return `'${token.text}'`;
    case "string":
      return "a string literal";
    case "int":
      return "an integer literal";
    case "end":
      return "the end of the filter";
    default:
      return `'${token.kind}'`;
  }
}

class Parser {
  private position = 0;
  private clauses = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const token = this.peek();
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }
  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "word" && token.text === word;
  }
  private expect(kind: "(" | ")" | ","): void {
    const token = this.next();
    if (token.kind !== kind) throw new FilterSyntaxError(`Expected '${kind}' but found ${describe(token)} at position ${token.at}.`);
  }
  private nest<T>(parse: () => T): T {
    if (++this.depth > maxDepth) throw new FilterSyntaxError(`The filter is nested more than ${maxDepth} levels deep.`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }
  private countClause(): void {
    if (++this.clauses > maxClauses) throw new FilterSyntaxError(`The filter has more than ${maxClauses} clauses.`);
  }

  parseFilter(): ConnectionFilter {
    const node = this.parseOr();
    const trailing = this.peek();
    if (trailing.kind !== "end") throw new FilterSyntaxError(`Unexpected ${describe(trailing)} at position ${trailing.at}.`);
    if (node.type !== "bool") throw new FilterSyntaxError(`The filter is of type '${node.type}', expected 'bool'.`);
    return (subject) => node.evaluate(subject) === true;
  }

  private parseOr(): Node {
    return this.nest(() => {
      let left = this.parseAnd();
      while (this.isWord("or")) {
        const at = this.next().at;
        const right = this.parseAnd();
        left = logical("or", left, right, at);
      }
      return left;
    });
  }

  private parseAnd(): Node {
    let left = this.parseComparison();
    while (this.isWord("and")) {
      const at = this.next().at;
      const right = this.parseComparison();
      left = logical("and", left, right, at);
    }
    return left;
  }

  private parseComparison(): Node {
    const left = this.parseUnary();
    const operator = this.peek();
    if (operator.kind === "word" && comparisonOperators.has(operator.text)) {
      this.next();
      this.countClause();
      return compare(operator.text, left, this.parseUnary(), operator.at);
    }
    if (operator.kind === "word" && operator.text === "in") {
      this.next();
      this.countClause();
      return this.parseIn(left, operator.at);
    }
    return left;
  }

  private parseUnary(): Node {
    if (this.isWord("not")) {
      const at = this.next().at;
      const operand = this.nest(() => this.parseUnary());
      if (operand.type !== "bool")
        throw new FilterSyntaxError(`Invalid operand of 'not' at position ${at}: type '${operand.type}', expected 'bool'.`);
      return { type: "bool", evaluate: (subject) => operand.evaluate(subject) !== true };
    }
    return this.parsePrimary();
  }

  private parseIn(left: Node, at: number): Node {
    if (!isStringLike(left.type))
      throw new FilterSyntaxError(`Invalid left operand of 'in' at position ${at}: type '${left.type}', expected 'string'.`);
    // Right side: `groups`, `(groups)`, or a parenthesized list of literals.
    const isCollection = (offset: number) => {
      const token = this.peek(offset);
      return token.kind === "word" && token.text.toLowerCase() === "groups";
    };
    if (isCollection(0) || (this.peek().kind === "(" && isCollection(1))) {
      const wrapped = this.peek().kind === "(";
      if (wrapped) this.next();
      this.next();
      if (wrapped) this.expect(")");
      return {
        type: "bool",
        evaluate: (subject) => {
          const value = left.evaluate(subject);
          return typeof value === "string" && subject.groups.has(value);
        },
      };
    }
    this.expect("(");
    const items: Node[] = [];
    for (;;) {
      const item = this.nest(() => this.parseUnary());
      if (!isStringLike(item.type))
        throw new FilterSyntaxError(`Invalid item in the 'in' list at position ${at}: type '${item.type}', expected 'string'.`);
      items.push(item);
      this.countClause();
      const separator = this.next();
      if (separator.kind === ")") break;
      if (separator.kind !== ",")
        throw new FilterSyntaxError(`Expected ',' or ')' but found ${describe(separator)} at position ${separator.at}.`);
    }
    return {
      type: "bool",
      evaluate: (subject) => {
        const value = left.evaluate(subject);
        return items.some((item) => item.evaluate(subject) === value);
      },
    };
  }

  private parsePrimary(): Node {
    const token = this.next();
    switch (token.kind) {
      case "(": {
        const inner = this.parseOr();
        this.expect(")");
        return inner;
      }
      case "string": {
        const value = token.value;
        return { type: "string", evaluate: () => value };
      }
      case "int": {
        const value = token.value;
        return { type: "int", evaluate: () => value };
      }
      case "word":
        return this.parseWord(token.text, token.at);
      default:
        throw new FilterSyntaxError(`Unexpected ${describe(token)} at position ${token.at}.`);
    }
  }

  private parseWord(word: string, at: number): Node {
    if (word === "null") return { type: "null", evaluate: () => null };
    if (word === "true" || word === "false") {
      const value = word === "true";
      return { type: "bool", evaluate: () => value };
    }
    if (this.peek().kind === "(") return this.parseFunction(word.toLowerCase(), at);
    switch (word.toLowerCase()) {
      case "userid":
        return { type: "string", evaluate: (subject) => subject.userId ?? null };
      case "connectionid":
        return { type: "string", evaluate: (subject) => subject.connectionId };
      case "groups":
        return { type: "collection", evaluate: (subject) => subject.groups };
    }
    if (reservedWords.has(word)) throw new FilterSyntaxError(`Unexpected operator '${word}' at position ${at}.`);
    throw new FilterSyntaxError(`Unknown identifier '${word}' at position ${at}; supported: userId, connectionId, groups.`);
  }

  private parseArguments(name: string): Node[] {
    this.expect("(");
    const args: Node[] = [];
    if (this.peek().kind !== ")") {
      for (;;) {
        args.push(this.nest(() => this.parseOr()));
        if (this.peek().kind !== ",") break;
        this.next();
      }
    }
    this.expect(")");
    if (args.length > 3) throw new FilterSyntaxError(`Too many arguments to '${name}'.`);
    return args;
  }

  private parseFunction(name: string, at: number): Node {
    const args = this.parseArguments(name);
    this.countClause();
    const signature = (types: readonly ValueType[][]) => {
      if (args.length !== types.length || args.some((arg, i) => !(types[i] ?? []).includes(arg.type)))
        throw new FilterSyntaxError(`Invalid arguments to '${name}' at position ${at}: (${args.map((arg) => arg.type).join(", ")}).`);
    };
    const str = ["string", "null"] as ValueType[];
    const text = (subject: FilterSubject, index: number): string | null => {
      const value = args[index]?.evaluate(subject);
      return typeof value === "string" ? value : null;
    };
    const int = (subject: FilterSubject, index: number): number => Number(args[index]?.evaluate(subject));
    switch (name) {
      case "startswith":
      case "endswith":
      case "contains": {
        signature([str, str]);
        return {
          type: "bool",
          evaluate: (subject) => {
            const [a, b] = [text(subject, 0), text(subject, 1)];
            if (a === null || b === null) return false;
            return name === "startswith" ? a.startsWith(b) : name === "endswith" ? a.endsWith(b) : a.includes(b);
          },
        };
      }
      case "tolower":
      case "toupper":
      case "trim": {
        signature([str]);
        return {
          type: "string",
          evaluate: (subject) => {
            const a = text(subject, 0);
            if (a === null) return null;
            return name === "tolower" ? a.toLowerCase() : name === "toupper" ? a.toUpperCase() : a.trim();
          },
        };
      }
      case "concat":
        signature([str, str]);
        return { type: "string", evaluate: (subject) => (text(subject, 0) ?? "") + (text(subject, 1) ?? "") };
      case "indexof":
        signature([str, str]);
        return {
          type: "int",
          evaluate: (subject) => {
            const [a, b] = [text(subject, 0), text(subject, 1)];
            return a === null || b === null ? null : a.indexOf(b);
          },
        };
      case "substring": {
        if (args.length === 2) signature([str, ["int"]]);
        else signature([str, ["int"], ["int"]]);
        return {
          type: "string",
          evaluate: (subject) => {
            const a = text(subject, 0);
            if (a === null) return null;
            const start = Math.max(0, int(subject, 1));
            return args.length === 3 ? a.substr(start, Math.max(0, int(subject, 2))) : a.slice(start);
          },
        };
      }
      case "length": {
        signature([["string", "null", "collection"]]);
        return {
          type: "int",
          evaluate: (subject) => {
            const value = args[0]?.evaluate(subject);
            return typeof value === "string" ? value.length : value instanceof Set ? value.size : null;
          },
        };
      }
      default:
        throw new FilterSyntaxError(`Unknown function '${name}' at position ${at}.`);
    }
  }
}

function logical(operator: "and" | "or", left: Node, right: Node, at: number): Node {
  if (left.type !== "bool" || right.type !== "bool")
    throw new FilterSyntaxError(
      `Invalid operands of '${operator}' at position ${at}: (${left.type}, ${right.type}), expected (bool, bool).`,
    );
  return operator === "and"
    ? { type: "bool", evaluate: (subject) => left.evaluate(subject) === true && right.evaluate(subject) === true }
    : { type: "bool", evaluate: (subject) => left.evaluate(subject) === true || right.evaluate(subject) === true };
}

function compare(operator: string, left: Node, right: Node, at: number): Node {
  const comparable =
    (isStringLike(left.type) && isStringLike(right.type)) ||
    (left.type === right.type && left.type !== "collection") ||
    ((left.type === "int" || left.type === "bool") && right.type === "null") ||
    (left.type === "null" && (right.type === "int" || right.type === "bool"));
  if (!comparable) throw new FilterSyntaxError(`Cannot compare '${left.type}' with '${right.type}' using '${operator}' at position ${at}.`);
  if (operator !== "eq" && operator !== "ne" && (left.type === "bool" || right.type === "bool"))
    throw new FilterSyntaxError(`Cannot order values of type 'bool' using '${operator}' at position ${at}.`);
  return {
    type: "bool",
    evaluate: (subject) => {
      const a = left.evaluate(subject);
      const b = right.evaluate(subject);
      if (operator === "eq") return a === b;
      if (operator === "ne") return a !== b;
      if (a === null || b === null || a instanceof Set || b instanceof Set) return false;
      switch (operator) {
        case "gt":
          return a > b;
        case "ge":
          return a >= b;
        case "lt":
          return a < b;
        default:
          return a <= b;
      }
    },
  };
}

/** Parses and type-checks a filter; throws FilterSyntaxError naming what is wrong and where. */
export function parseConnectionFilter(text: string): ConnectionFilter {
  if (text.length > maxFilterLength) throw new FilterSyntaxError(`The filter is longer than ${maxFilterLength} characters.`);
  if (text.trim().length === 0) throw new FilterSyntaxError("The filter is empty.");
  return new Parser(tokenize(text)).parseFilter();
}
