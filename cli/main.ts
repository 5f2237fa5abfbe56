import chalk from 'chalk';
import yargs from 'yargs';
import { checkCommand } from './commands/check.ts';
import { cleanCommand } from './commands/clean.ts';
import { doctorCommand } from './commands/doctor.ts';
import { reportCommand } from './commands/report.ts';
import { serveCommand } from './commands/serve.ts';
import { runCommand } from './commands/run.ts';
import { tortureCommand } from './commands/torture.ts';
import { EXIT, EnvironmentError, InputError, errorText } from '../harness/errors.ts';
import { configureColour } from './output.ts';
import type { RunEnvironment } from './run/environment.ts';

export interface CliOptions {
  /** Where `run` gets its backend and databases (tests pass a fake one). */
  environment?: () => Promise<RunEnvironment>;
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
    .command(runCommand(setExit, options.environment))
    .command(checkCommand(setExit))
    .command(cleanCommand(setExit))
    .command(doctorCommand(setExit))
    .command(reportCommand())
    .command(serveCommand())
    .command(tortureCommand(setExit, options.environment))
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
