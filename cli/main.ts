import chalk from 'chalk';
import yargs from 'yargs';
import { EXIT, EnvironmentError, InputError, errorText } from '../harness/errors.ts';
import { configureColour } from './output.ts';
import { COMMANDS, type Command, type CommandName } from './commands/index.ts';
import { DASH_WORD, refuseMissingValues, usageMessage, type DeclaredOptions } from './strict-flags.ts';
import type { RunEnvironment } from './run/environment.ts';

export interface CliOptions {
  /** Where `run` gets its backend and databases (tests pass a fake one). */
  environment?: () => Promise<RunEnvironment>;
}

/** The command `argv` names (its first word), loaded; the others as their usage line only. */
async function commands(requested: string | undefined, setExit: (code: number) => void, options: CliOptions): Promise<Command[]> {
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
  const requested = argv.find((a) => !a.startsWith('-'));
  const command = requested !== undefined && requested in COMMANDS ? requested : undefined;
  // The option table of the command being parsed (yargs' own, not in its type declarations).
  const declared = (): DeclaredOptions => (cli as unknown as { getOptions(): DeclaredOptions }).getOptions();
  // Words after `--` are the command's own; a `-` before them is standard input (DASH_WORD).
  const end = argv.indexOf('--');
  const words = argv.map((a, i) => (a === '-' && (end === -1 || i < end) ? DASH_WORD : a));
  const cli = yargs(words)
    .scriptName('faultline')
    .usage('$0 <command> [options]')
    // Its messages are read below (unknown flags); in the user's locale they would not match.
    .locale('en')
    .command(await commands(requested, setExit, options))
    .demandCommand(1, 'name a command')
    // Every command refuses flags and words it does not declare (a typo must not be ignored).
    .strict()
    .recommendCommands()
    .check((args) => {
      refuseMissingValues(args, argv, declared());
      return true;
    }, true)
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs' own errors (a flag without its value) are usage errors too; others are the command's.
      if (err && err.name !== 'YError') throw err;
      const text = msg ?? err?.message ?? 'bad arguments';
      usageError = usageMessage(text, command, argv, declared()) ?? text;
      // Throwing stops yargs before the command's handler runs with the bad arguments.
      throw new InputError(usageError);
    });
  try {
    await cli.parseAsync();
    return exitCode;
  } catch (err) {
    if (usageError !== undefined) {
      process.stderr.write(`faultline: ${usageError} (see faultline ${command === undefined ? '' : `${command} `}--help)\n`);
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
