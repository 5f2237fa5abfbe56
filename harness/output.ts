import chalk from 'chalk';
import type { Validity } from '../checkers/result.ts';
import { EXIT } from './errors.ts';

/** Worst verdict decides the exit code: invalid (1) > unknown (2) > valid (0). */
export function exitCodeFor(valid: Validity): number {
  return valid === true ? EXIT.valid : valid === false ? EXIT.invalid : EXIT.unknown;
}

export function verdictWord(valid: Validity): string {
  if (valid === true) return chalk.green('valid');
  if (valid === false) return chalk.red('INVALID');
  return chalk.yellow('unknown');
}

/** Human output goes to stderr when --json owns stdout. */
export function makePrinter(json: boolean): (line?: string) => void {
  return json ? (line = '') => process.stderr.write(`${line}\n`) : (line = '') => process.stdout.write(`${line}\n`);
}
