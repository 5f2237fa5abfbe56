import { valueEqual, type Model } from '../model.ts';

/** A read/write register that starts as nil (Knossos' `register`). */
export const registerModel: Model<unknown> = {
  name: 'register',
  description: 'read / write register, initially nil',
  fs: ['read', 'write'],
  init: () => null,
  step(state, op) {
    if (op.f === 'write') return op.value;
    return op.crashed || valueEqual(op.output, state) ? state : undefined;
  },
  readOnly: (op) => op.f === 'read',
  blind: (op) => op.f === 'write',
  equal: valueEqual,
};
