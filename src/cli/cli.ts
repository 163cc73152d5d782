/**
 * `lamina <command> [flags]`: finds the command, parses its flags strictly and runs it. Mistakes in
 * what the user typed (UsageError) print one message and exit with code 2; other failures print
 * their message and exit with code 1 (LAMINA_DEBUG=1 adds the stack).
 */
import { UsageError, parseFlags, type FlagValues } from "./args.js";
import { COMMANDS, TOP_USAGE, findCommand, type CommandSpec } from "./commands.js";
import { version } from "../version.js";

/** Where a command prints: one call per line (or block of lines). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** What a command receives: its checked flags and operands. */
export interface CommandInput {
  values: FlagValues;
  operands: string[];
  io: CliIo;
}

async function runCommand(name: string, input: CommandInput): Promise<number> {
  switch (name) {
    case "train": return (await import("./train.js")).trainCommand(input);
    case "summary": return (await import("./summary.js")).summaryCommand(input);
    case "evaluate": return (await import("./evaluate.js")).evaluateCommand(input);
    case "predict": return (await import("./predict.js")).predictCommand(input);
    case "bench": return (await import("./bench-command.js")).benchCommand(input);
    case "dashboard": return (await import("./dashboard-command.js")).dashboardCommand(input);
    default: throw new Error(`lamina: command ${name} has no implementation`);
  }
}

function failure(cmd: CommandSpec | null, e: unknown, io: CliIo): number {
  const prefix = cmd ? `lamina ${cmd.name}` : "lamina";
  if (e instanceof UsageError) {
    io.err(`${prefix}: ${e.message}\nRun "${prefix} --help" for usage.`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`${prefix}: ${err.message}`);
  if (process.env.LAMINA_DEBUG === "1" && err.stack) io.err(err.stack);
  return 1;
}

/** Runs the lamina command line `argv` (without "node lamina"); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "-h" || first === "--help") {
    io.out(TOP_USAGE);
    return 0;
  }
  if (first === "--version" || first === "-v") {
    io.out(version);
    return 0;
  }
  if (first === undefined) {
    io.err(TOP_USAGE);
    return 2;
  }
  if (first === "help") {
    const cmd = rest[0] === undefined ? null : findCommand(rest[0]);
    if (rest[0] !== undefined && !cmd) return failure(null, new UsageError(`unknown command "${rest[0]}"; the commands are ${COMMANDS.map((c) => c.name).join(", ")}`), io);
    io.out(cmd ? cmd.usage : TOP_USAGE);
    return 0;
  }
  if (first.startsWith("-")) {
    return failure(null, new UsageError(`unknown flag ${first}; flags go after the command, as in "lamina train --epochs 5"`), io);
  }
  const cmd = findCommand(first);
  if (!cmd) return failure(null, new UsageError(`unknown command "${first}"; the commands are ${COMMANDS.map((c) => c.name).join(", ")}`), io);
  try {
    const { values, positionals } = parseFlags(rest, cmd.flags, cmd.operands[1]);
    if (values.help === true) {
      io.out(cmd.usage);
      return 0;
    }
    if (positionals.length < cmd.operands[0]) {
      throw new UsageError(`missing ${cmd.operandNames.slice(positionals.length).join(" and ")}`);
    }
    return await runCommand(cmd.name, { values, operands: positionals, io });
  } catch (e) {
    return failure(cmd, e, io);
  }
}
