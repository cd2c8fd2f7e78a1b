// Inline route constraints as ASP.NET Core routing defines them (the Functions host routes HTTP triggers
// with it): `{id:int}`, `{name:alpha:minlength(2)}`, `{x:regex(^a.c$)}` … A value that fails a constraint
// makes the route not match. An unknown constraint fails the route's registration, as it fails the host's.

export type RouteConstraint = (value: string) => boolean;

const integerPattern = /^[+-]?\d+$/;
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const guidPatterns = [
  /^[0-9a-f]{32}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i,
  /^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i,
];

function integerIn(min: bigint, max: bigint): RouteConstraint {
  return (value) => {
    if (!integerPattern.test(value)) return false;
    const parsed = BigInt(value);
    return parsed >= min && parsed <= max;
  };
}

function numberArgument(constraint: string, argument: string | undefined): number {
  const parsed = Number(argument);
  if (argument === undefined || argument.trim() === "" || !Number.isFinite(parsed)) {
    throw new Error(`The route constraint "${constraint}" needs a number argument.`);
  }
  return parsed;
}

function numberArguments(constraint: string, text: string, count: number): number[] {
  const parts = text.split(",");
  if (parts.length !== count) throw new Error(`The route constraint "${constraint}" needs ${count} number argument(s).`);
  return parts.map((part) => numberArgument(constraint, part));
}

/** Parses one constraint (`int`, `length(2,5)`, `regex(...)`) into a test of a route value. */
export function parseRouteConstraint(text: string): RouteConstraint {
  const match = /^([a-z]+)(?:\((.*)\))?$/is.exec(text);
  if (!match) throw new Error(`The route constraint "${text}" could not be resolved.`);
  const name = (match[1] ?? "").toLowerCase();
  const argument = match[2];
  const noArgument = (constraint: RouteConstraint): RouteConstraint => {
    if (argument !== undefined) throw new Error(`The route constraint "${name}" takes no argument.`);
    return constraint;
  };
  switch (name) {
    case "int":
      return noArgument(integerIn(-(2n ** 31n), 2n ** 31n - 1n));
    case "long":
      return noArgument(integerIn(-(2n ** 63n), 2n ** 63n - 1n));
    case "bool":
      return noArgument((value) => /^(true|false)$/i.test(value));
    case "decimal":
    case "double":
    case "float":
      return noArgument((value) => numberPattern.test(value));
    case "guid":
      return noArgument((value) => guidPatterns.some((pattern) => pattern.test(value)));
    case "datetime":
      return noArgument((value) => value.trim() !== "" && !Number.isNaN(Date.parse(value)));
    case "alpha":
      return noArgument((value) => /^[a-z]*$/i.test(value));
    case "required":
      return noArgument((value) => value.length > 0);
    case "minlength": {
      const [min = 0] = numberArguments(name, argument ?? "", 1);
      return (value) => value.length >= min;
    }
    case "maxlength": {
      const [max = 0] = numberArguments(name, argument ?? "", 1);
      return (value) => value.length <= max;
    }
    case "length": {
      const parts = (argument ?? "").split(",");
      if (parts.length === 1) {
        const [exact = 0] = numberArguments(name, argument ?? "", 1);
        return (value) => value.length === exact;
      }
      const [min = 0, max = 0] = numberArguments(name, argument ?? "", 2);
      return (value) => value.length >= min && value.length <= max;
    }
    case "min": {
      const [min = 0] = numberArguments(name, argument ?? "", 1);
      return (value) => integerPattern.test(value) && Number(value) >= min;
    }
    case "max": {
      const [max = 0] = numberArguments(name, argument ?? "", 1);
      return (value) => integerPattern.test(value) && Number(value) <= max;
    }
    case "range": {
      const [min = 0, max = 0] = numberArguments(name, argument ?? "", 2);
      return (value) => integerPattern.test(value) && Number(value) >= min && Number(value) <= max;
    }
    case "regex": {
      if (argument === undefined) throw new Error(`The route constraint "regex" needs a pattern.`);
      // ASP.NET Core: case-insensitive, and not anchored unless the pattern anchors itself.
      const pattern = new RegExp(argument, "i");
      return (value) => pattern.test(value);
    }
    default:
      throw new Error(`The route constraint "${name}" could not be resolved.`);
  }
}
