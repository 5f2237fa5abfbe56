import { Registry } from '../harness/registry.ts';
import type { Checker } from './checker.ts';
import { listAppendChecker } from './elle/list-append-checker.ts';
import { rwRegisterChecker } from './elle/rw-register-checker.ts';
import { sessionChecker } from './elle/session.ts';
import { lostUpdateChecker } from './invariants/lost-update.ts';
import { onCallChecker } from './invariants/on-call.ts';
import { twoPhaseCommitChecker } from './invariants/two-phase-commit.ts';
import { bankChecker } from './jepsen/bank.ts';
import { counterChecker } from './jepsen/counter.ts';
import { longForkChecker } from './jepsen/long-fork.ts';
import { setFullChecker } from './jepsen/set-full.ts';
import { setChecker } from './jepsen/set.ts';
import { totalQueueChecker } from './jepsen/total-queue.ts';
import { uniqueIdsChecker } from './jepsen/unique-ids.ts';
import { linearizableChecker } from './linearizable/linearizable-checker.ts';
import { convergedChecker } from './converged.ts';
import { statsChecker } from './stats.ts';
import { wellFormedChecker } from './well-formed.ts';

/** Checkers by name; `faultline check --checker NAME` and the workloads look them up here. */
export const checkers = new Registry<Checker>('checker');

export const registerChecker = (checker: Checker): void => checkers.register(checker);
export const getChecker = (name: string): Checker | undefined => checkers.get(name);
export const checkerNames = (): string[] => checkers.names();

registerChecker(statsChecker);
registerChecker(wellFormedChecker);
registerChecker(listAppendChecker);
registerChecker(rwRegisterChecker);
registerChecker(sessionChecker);
registerChecker(counterChecker);
registerChecker(setChecker);
registerChecker(setFullChecker);
registerChecker(bankChecker);
registerChecker(longForkChecker);
registerChecker(uniqueIdsChecker);
registerChecker(totalQueueChecker);
registerChecker(linearizableChecker);
registerChecker(lostUpdateChecker);
registerChecker(onCallChecker);
registerChecker(twoPhaseCommitChecker);
registerChecker(convergedChecker);
