import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ParsedArgs {
  readonly positionals: string[];
  str(name: string): string | undefined;
  bool(name: string): boolean;
  list(name: string): string[];
}

/** parseArgs (strict) with usage errors instead of TypeErrors, and typed getters. */
export function parse(args: string[], options: NonNullable<ParseArgsConfig["options"]>): ParsedArgs {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    positionals: parsed.positionals,
    str: (name) => {
      const v = parsed.values[name];
      return typeof v === "string" ? v : undefined;
    },
    bool: (name) => parsed.values[name] === true,
    list: (name) => {
      const v = parsed.values[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
    },
  };
}

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number (got ${JSON.stringify(value)})`);
  return n;
}
