import type { Model } from '../model.ts';

/** A lock: `acquire` succeeds only when free, `release` only when held. */
export const mutexModel: Model<boolean> = {
  name: 'mutex',
  description: 'acquire / release lock, initially free',
  fs: ['acquire', 'release'],
  init: () => false,
  step: (held, op) => (op.f === 'acquire' ? (held ? undefined : true) : held ? false : undefined),
  describeState: (held) => (held ? 'held' : 'free'),
  describeOp: (op) => `${op.f}${op.crashed ? ' (outcome unknown)' : ''}`,
};
