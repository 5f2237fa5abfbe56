import { valueEqual, type Model } from '../model.ts';

/**
 * A read/write/compare-and-set register that starts as nil (Knossos' `cas-register`). A cas
 * value is `[expected, new]`; a cas that failed its precondition is recorded as `fail` and so
 * never reaches the model.
 */
export const casRegisterModel: Model<unknown> = {
  name: 'cas-register',
  description: 'read / write / cas [expected new] register, initially nil',
  fs: ['read', 'write', 'cas'],
  init: () => null,
  step(state, op) {
    switch (op.f) {
      case 'write':
        return op.value;
      case 'cas': {
        const [expected, next] = casArgs(op.value);
        if (valueEqual(state, expected)) return next;
        // A crashed cas whose precondition does not hold changed nothing.
        return op.crashed ? state : undefined;
      }
      default:
        return op.crashed || valueEqual(op.output, state) ? state : undefined;
    }
  },
  readOnly: (op) => op.f === 'read',
  blind: (op) => op.f === 'write',
  equal: valueEqual,
  describeOp(op) {
    if (op.f === 'cas') {
      const [a, b] = casArgs(op.value);
      return `cas ${show(a)}→${show(b)}${op.crashed ? ' (outcome unknown)' : ''}`;
    }
    if (op.f === 'write') return `write ${show(op.value)}${op.crashed ? ' (outcome unknown)' : ''}`;
    return op.crashed ? 'read (outcome unknown)' : `read → ${show(op.output)}`;
  },
};

function casArgs(value: unknown): [unknown, unknown] {
  return Array.isArray(value) && value.length === 2 ? [value[0], value[1]] : [undefined, undefined];
}

function show(v: unknown): string {
  return v === null || v === undefined ? 'nil' : JSON.stringify(v);
}
