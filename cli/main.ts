import chalk from 'chalk';
import yargs from 'yargs';
import { EXIT, EnvironmentError, InputError, errorText } from '../harness/errors.ts';
import { configureColour } from './output.ts';
import { COMMANDS, type Command, type CommandName } from './commands/index.ts';
import type { RunEnvironment } from './run/environment.ts';

export interface CliOptions {
  /** Where `run` gets its backend and databases (tests pass a fake one). */
  environment?: () => Promise<RunEnvironment>;
}

/** The command `argv` names (its first word), loaded; the others as their usage line only. */
async function commands(argv: readonly string[], setExit: (code: number) => void, options: CliOptions): Promise<Command[]> {
  const requested = argv.find((a) => !a.startsWith('-'));
  return Promise.all(
    (Object.keys(COMMANDS) as CommandName[]).map((name) => {
      const { command, describe, load } = COMMANDS[name];
      if (name === requested) return load({ setExit, environment: options.environment });
      return {
        command,
        describe,
        handler: () => {
          throw new Error(`the ${name} command ran without its module`);
        },
      };
    }),
  );
}

/**
 * Runs the CLI and returns the exit code: 0 valid, 1 invalid, 2 unknown, 254 bad arguments or
 * input, 255 the harness itself crashed (DESIGN.md §4).
 */
export async function main(argv: string[], options: CliOptions = {}): Promise<number> {
  configureColour();
  let exitCode: number = EXIT.valid;
  const setExit = (code: number) => {
    exitCode = code;
  };
  let usageError: string | undefined;
  const cli = yargs(argv)
    .scriptName('faultline')
    .usage('$0 <command> [options]')
    .command(await commands(argv, setExit, options))
    .demandCommand(1, 'name a command')
    .strictCommands()
    .recommendCommands()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
      // Throwing stops yargs before the command's handler runs with the bad arguments.
      throw new InputError(msg);
    });
  try {
    await cli.parseAsync();
    return exitCode;
  } catch (err) {
    if (usageError !== undefined) {
      process.stderr.write(`faultline: ${usageError} (see faultline --help)\n`);
      return EXIT.badInput;
    }
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof InputError) {
    process.stderr.write(`faultline: ${err.message}\n`);
    return EXIT.badInput;
  }
  if (err instanceof EnvironmentError) {
    process.stderr.write(`faultline: ${err.message}\n`);
    return EXIT.crash;
  }
  const message = errorText(err, { name: false });
  process.stderr.write(chalk.red(`faultline crashed: ${message}\n`));
  if (process.env.FAULTLINE_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(set FAULTLINE_DEBUG=1 for the stack trace)\n');
  return EXIT.crash;
}
