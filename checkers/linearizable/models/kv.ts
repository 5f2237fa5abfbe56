import type { Model } from '../model.ts';

/** A value and its polynomial hash, extended on append without rehashing the whole string. */
export interface KvState {
  value: string;
  hash: number;
}

const BASE = 0x01000193;

function extend(hash: number, s: string): number {
  let h = hash;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) | 0;
  return h;
}

const EMPTY: KvState = { value: '', hash: 0 };

/**
 * One key of a string key-value store (Porcupine's kv model): `get` returns the value (""
 * when never written), `put` replaces it, `append` concatenates. The checker runs one search per
 * key (`op.key`), or a product of them when decomposition is off. Values grow with every append,
 * so the state carries a hash that an append extends: hashing the whole string again on every
 * step was most of the search's time.
 */
export const kvModel: Model<KvState> = {
  name: 'kv',
  description: 'per-key string register: get / put / append, initially ""',
  fs: ['get', 'put', 'append'],
  init: () => EMPTY,
  step(state, op) {
    switch (op.f) {
      case 'put': {
        const value = String(op.value);
        return { value, hash: extend(0, value) };
      }
      case 'append': {
        const tail = String(op.value);
        return { value: state.value + tail, hash: extend(state.hash, tail) };
      }
      default:
        return op.crashed || (op.output ?? '') === state.value ? state : undefined;
    }
  },
  readOnly: (op) => op.f === 'get',
  blind: (op) => op.f !== 'get',
  hash: (s) => s.hash >>> 0,
  equal: (a, b) => a.hash === b.hash && a.value === b.value,
  describeState: (s) => JSON.stringify(s.value),
  describeOp(op) {
    const tail = op.crashed ? ' (outcome unknown)' : '';
    return op.f === 'get' ? `get → ${op.crashed ? '?' : JSON.stringify(op.output ?? '')}${tail}` : `${op.f} ${JSON.stringify(op.value)}${tail}`;
  },
};
