/** What every `irbook` subcommand shares: its shape, usage errors, argument parsing, help. */

/** One subcommand: its help text and what it does. Loaded only when it is the one run. */
export interface Command {
  readonly help: string;
  /** Runs with the arguments after the command's name; returns the exit code. */
  run(args: readonly string[]): Promise<number>;
}

/** The command line is wrong: exit code 2, with the command's help. */
export class UsageError extends Error {}

/** Runs an argument parser, turning its complaints into usage errors. */
export function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** Prints a help text; exit code 0. */
export function printHelp(text: string): number {
  process.stdout.write(text);
  return 0;
}

export function toInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, not "${text}"`);
  return Number(text);
}

export function firstLineOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
