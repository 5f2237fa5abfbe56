import type { Checker } from './checker.ts';
import { statsChecker } from './stats.ts';
import { wellFormedChecker } from './well-formed.ts';

/** Checkers by name; `faultline check --checker NAME` and the workloads look them up here. */
const checkers = new Map<string, Checker>();

export function registerChecker(checker: Checker): void {
  checkers.set(checker.name, checker);
}

export function getChecker(name: string): Checker | undefined {
  return checkers.get(name);
}

export function checkerNames(): string[] {
  return [...checkers.keys()].sort();
}

registerChecker(statsChecker);
registerChecker(wellFormedChecker);
