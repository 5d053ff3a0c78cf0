/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The command ran but found problems in its input (an import rejected, a check failed). */
  invalidInput: 1,
  /** The command was called wrongly (unknown option, missing argument). */
  usage: 2,
  /** A file or service the command needs is missing or unreachable. */
  unavailable: 3,
  /** Anything else: a defect in udc; please report it. */
  internal: 70,
} as const;

/** An error the CLI reports as one clear line and the given exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalidInput,
  ) {
    super(message);
  }
}
