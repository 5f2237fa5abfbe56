import type { CompleteModel, ModelOp } from './model.ts';

/** One inner state per key, with the hashes kept so a step rehashes only the key it changed. */
export interface KeyedState<S> {
  parts: readonly S[];
  partHashes: readonly number[];
  hash: number;
}

/**
 * The product of one model per independent key: what the search runs when per-key
 * decomposition is switched off (for measuring it, or for models whose keys interact).
 */
export function keyedModel<S>(inner: CompleteModel<S>, keys: readonly (string | number | undefined)[]): CompleteModel<KeyedState<S>> {
  const index = new Map(keys.map((k, i) => [k, i]));
  const weight = (i: number, h: number) => Math.imul(h ^ (i * 0x27d4eb2d), 0x9e3779b1);
  return {
    name: inner.name,
    description: inner.description,
    fs: inner.fs,
    init() {
      const s = inner.init();
      const h = inner.hash(s);
      const partHashes = keys.map(() => h);
      return { parts: keys.map(() => s), partHashes, hash: partHashes.reduce((acc, ph, i) => (acc + weight(i, ph)) | 0, 0) };
    },
    step(state, op) {
      const i = index.get(op.key)!;
      const before = state.parts[i]!;
      const after = inner.step(before, op);
      if (after === undefined) return undefined;
      if (after === before) return state;
      const parts = state.parts.slice();
      const partHashes = state.partHashes.slice();
      parts[i] = after;
      const h = inner.hash(after);
      partHashes[i] = h;
      return { parts, partHashes, hash: (state.hash - weight(i, state.partHashes[i]!) + weight(i, h)) | 0 };
    },
    readOnly: (op: ModelOp) => inner.readOnly(op),
    blind: (op: ModelOp) => inner.blind(op),
    hash: (s) => s.hash >>> 0,
    equal: (a, b) => a.hash === b.hash && a.parts.every((p, i) => inner.equal(p, b.parts[i]!)),
    describeState: (s) => keys.map((k, i) => `${String(k)}: ${inner.describeState(s.parts[i]!)}`).join(', '),
    describeOp: (op) => inner.describeOp(op),
  };
}
