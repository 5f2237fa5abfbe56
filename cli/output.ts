import chalk from 'chalk';
import { verdictWord, type Anomaly, type Validity } from '../harness/result.ts';
import { EXIT } from '../harness/errors.ts';

/** Worst verdict decides the exit code: invalid (1) > unknown (2) > valid (0). */
export function exitCodeFor(valid: Validity): number {
  return valid === true ? EXIT.valid : valid === false ? EXIT.invalid : EXIT.unknown;
}

/**
 * The exit code of several results, in the gate's order of what matters most (as for a torture
 * session): a finding (1), then a crash (255), then refused input (254), then unknown (2); 0
 * only when there were results and every one is 0.
 */
export function worstExitCode(codes: readonly number[]): number {
  if (codes.length === 0) return EXIT.unknown;
  for (const code of [EXIT.invalid, EXIT.crash, EXIT.badInput, EXIT.unknown]) if (codes.includes(code)) return code;
  return codes.every((c) => c === EXIT.valid) ? EXIT.valid : EXIT.crash;
}

const COLOUR: Readonly<Record<string, (s: string) => string>> = {
  valid: chalk.green,
  invalid: chalk.red,
  unknown: chalk.yellow,
  crashed: chalk.red,
  'bad-input': chalk.red,
  'not-run': chalk.dim,
  'not checked': chalk.dim,
};

/** A verdict word (harness/result.ts's, or a torture run's `crashed`…) as the terminal shows it: coloured, INVALID in capitals; `prefix` goes inside the colour. */
export function styleVerdict(word: string, prefix = ''): string {
  return (COLOUR[word] ?? ((s: string) => s))(`${prefix}${word === 'invalid' ? 'INVALID' : word}`);
}

/** A checker's or a run's verdict on the terminal. */
export function verdictText(valid: Validity | undefined): string {
  return styleVerdict(verdictWord(valid));
}

/** Human output goes to stderr when --json owns stdout. */
export function makePrinter(json: boolean): (line?: string) => void {
  return json ? (line = '') => process.stderr.write(`${line}\n`) : (line = '') => process.stdout.write(`${line}\n`);
}

/** The first `max` anomalies, one line each, under their checker's line. */
export function printAnomalies(anomalies: readonly Anomaly[], print: (line?: string) => void, max: number, indent = '  '): void {
  for (const a of anomalies.slice(0, max)) print(`${indent}${a.type}: ${a.text}`);
  if (anomalies.length > max) print(`${indent}… and ${anomalies.length - max} more anomalies`);
}

/**
 * Colours only where they can be seen: chalk already looks at the terminal and FORCE_COLOR;
 * NO_COLOR (https://no-color.org) turns them off unless FORCE_COLOR asks for them.
 */
export function configureColour(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '' && env.FORCE_COLOR === undefined) chalk.level = 0;
}
