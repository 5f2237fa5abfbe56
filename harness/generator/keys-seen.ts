import { DONE, type GenContext, type GenEvent, type Generator, type Step } from './generator.ts';

export type Key = string | number;

/**
 * Runs `first`, noting the key of every client op it invokes; when `first` is done, runs
 * `then(keys)` (keys in the order first seen). Final reads use it to read back exactly the keys
 * a run touched.
 */
export function thenWithKeys(first: Generator, then: (keys: readonly Key[]) => Generator): Generator {
  return new KeysSeen(first, then, [], new Set());
}

class KeysSeen implements Generator {
  constructor(
    readonly first: Generator,
    readonly then: (keys: readonly Key[]) => Generator,
    readonly keys: readonly Key[],
    readonly seen: ReadonlySet<Key>,
  ) {}

  op(ctx: GenContext): Step {
    const s = this.first.op(ctx);
    if (s.kind !== 'done') {
      const next = s.gen === this.first ? this : new KeysSeen(s.gen, this.then, this.keys, this.seen);
      return s.kind === 'op' ? { kind: 'op', op: s.op, gen: next } : { ...s, gen: next };
    }
    const rest = this.then(this.keys);
    const r = rest.op(ctx);
    return r.kind === 'done' ? DONE : r;
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const first = this.first.update(ctx, event);
    const key = event.op.key;
    const fresh = typeof event.thread === 'number' && event.op.type === 'invoke' && key !== undefined && !this.seen.has(key);
    if (first === this.first && !fresh) return this;
    if (!fresh) return new KeysSeen(first, this.then, this.keys, this.seen);
    return new KeysSeen(first, this.then, [...this.keys, key], new Set([...this.seen, key]));
  }
}
