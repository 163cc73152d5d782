/**
 * Flag parsing for the `lamina` command and `npm start`: Node's util.parseArgs in strict mode,
 * with its errors reworded into one line that names the flag, and checked conversions of values.
 * Every problem with what the user typed is a UsageError, which the command turns into exit code 2.
 */
import { parseArgs } from "node:util";

/** A mistake in the command line (unknown flag, bad value, missing file): exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type FlagValues = Record<string, string | boolean | undefined>;

export interface ParsedArgs {
  values: FlagValues;
  positionals: string[];
}

/** Levenshtein distance, for "did you mean --epochs?". */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

function suggestion(flag: string, specs: FlagSpecs): string {
  const name = flag.replace(/^-+/, "").split("=")[0];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const known of Object.keys(specs)) {
    const d = editDistance(name, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean --${best}?` : "";
}

/**
 * Parses argv strictly against `specs`. `maxPositionals` bounds the operands (file names); parse
 * errors come back as UsageError with a short message naming the flag.
 */
export function parseFlags(argv: readonly string[], specs: FlagSpecs, maxPositionals: number): ParsedArgs {
  // parseArgs reads "--lr -1" as a flag without its value; a negative number is the value.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([\w-]+)$/.exec(argv[i])?.[1];
    if (name !== undefined && specs[name]?.type === "string" && /^-\.?\d/.test(argv[i + 1] ?? "")) {
      args.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else {
      args.push(argv[i]);
    }
  }
  let parsed: { values: FlagValues; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: specs, strict: true, allowPositionals: maxPositionals > 0 }) as typeof parsed;
  } catch (e) {
    const err = e as Error & { code?: string };
    const quoted = /'(-[^' ]+)/.exec(err.message)?.[1] ?? "";
    switch (err.code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        throw new UsageError(`unknown flag ${quoted}${suggestion(quoted, specs)}`);
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
        const name = /--([\w-]+)/.exec(err.message)?.[1];
        const spec = name ? specs[name] : undefined;
        throw new UsageError(spec?.type === "boolean" ? `--${name} takes no value` : `--${name ?? quoted} needs a value`);
      }
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
        const arg = /'([^']*)'/.exec(err.message)?.[1] ?? "";
        throw new UsageError(`unexpected argument "${arg}"`);
      }
      default:
        throw new UsageError(err.message);
    }
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals);
    throw new UsageError(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((a) => `"${a}"`).join(" ")}`);
  }
  return parsed;
}

/** The UsageError for a --port that another program listens on. */
export function portInUse(port: number, host: string): UsageError {
  return new UsageError(`--port ${port}: port ${port} on ${host} is already in use; choose another, or --port 0 for a free one`);
}

function stringValue(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** An integer flag at least `min`, or the fallback when absent. */
export function intFlag(values: FlagValues, name: string, fallback: number, min?: number): number;
export function intFlag(values: FlagValues, name: string, fallback: null, min?: number): number | null;
export function intFlag(values: FlagValues, name: string, fallback: number | null, min = 1): number | null {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min) {
    const what = min === 1 ? "a positive integer" : min === 0 ? "a non-negative integer" : `an integer of at least ${min}`;
    throw new UsageError(`--${name} must be ${what}, got "${text}"`);
  }
  return n;
}

/** A number flag within (min, max) or [min, max] as `inclusive` says, or the fallback when absent. */
export function numberFlag(
  values: FlagValues, name: string, fallback: number | null,
  range: { min?: number; max?: number; minInclusive?: boolean; maxInclusive?: boolean; what: string },
): number | null {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  const low = range.min === undefined || (range.minInclusive ? n >= range.min : n > range.min);
  const high = range.max === undefined || (range.maxInclusive ? n <= range.max : n < range.max);
  if (text.trim() === "" || !Number.isFinite(n) || !low || !high) throw new UsageError(`--${name} must be ${range.what}, got "${text}"`);
  return n;
}

/** One of `choices`, or the fallback when absent. */
export function choiceFlag<T extends string>(values: FlagValues, name: string, choices: readonly T[], fallback: T): T;
export function choiceFlag<T extends string>(values: FlagValues, name: string, choices: readonly T[], fallback: null): T | null;
export function choiceFlag<T extends string>(values: FlagValues, name: string, choices: readonly T[], fallback: T | null): T | null {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}; got "${text}"`);
  }
  return text as T;
}

/**
 * A comma-separated list flag, each entry trimmed, or undefined when absent. An empty entry
 * ("a,,b", "a,b,", " ") is refused: it would name nothing (`what` says what an entry is).
 */
export function listFlag(values: FlagValues, name: string, what: string, example: string): string[] | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  const items = text.split(",").map((s) => s.trim());
  const empty = items.findIndex((s) => s === "");
  if (empty >= 0) {
    throw new UsageError(`--${name} "${text}" has an empty ${what} (entry ${empty + 1} of ${items.length}); give comma-separated ${what}s, none empty, e.g. --${name} ${example}`);
  }
  return items;
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  return stringValue(values, name);
}

export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}
