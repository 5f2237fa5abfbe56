import { canonicalJson, type Model } from '../model.ts';

/**
 * A set: `add v`, and `read` returning every element (in any order). The state is the sorted
 * canonical JSON of the elements, so equal sets are equal strings.
 */
export const setModel: Model<readonly string[]> = {
  name: 'set',
  description: 'add v / read → all elements, initially empty',
  fs: ['add', 'read'],
  init: () => [],
  step(state, op) {
    if (op.f === 'add') {
      const e = canonicalJson(op.value);
      return state.includes(e) ? state : [...state, e].sort();
    }
    if (op.crashed) return state;
    if (!Array.isArray(op.output)) return undefined;
    const read = [...new Set(op.output.map(canonicalJson))].sort();
    return read.length === state.length && read.every((e, i) => e === state[i]) ? state : undefined;
  },
  readOnly: (op) => op.f === 'read',
  blind: (op) => op.f === 'add',
  equal: (a, b) => a.length === b.length && a.every((e, i) => e === b[i]),
  describeState: (s) => `#{${s.join(' ')}}`,
};
