import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './exit-codes.js';
import { commands } from './commands/index.js';

/** Builds the `udc` program with every command registered. */
export function program(): Command {
  const udc = new Command('udc')
    .description('udc, the open Urban Data Center: collect, link and publish regional statistics')
    .version(process.env['npm_package_version'] ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of commands()) udc.addCommand(exitOverrideAll(command));
  return udc;
}

/** Runs the CLI on `argv`; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the message already; help and version are not failures.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`udc: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `udc: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.internal;
  }
}

// addCommand does not pass exitOverride on, and --help must return instead of exiting the process.
function exitOverrideAll(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
  return command;
}
