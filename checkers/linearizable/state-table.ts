import type { CompleteModel } from './model.ts';

/**
 * Interns model states as small integers, so the search compares and hashes ints. Primitive
 * states (numbers, strings, null, booleans) go through a Map, which is exact; other states
 * through the model's hash and equality, in a chained table over typed arrays (a Map keyed by
 * a 32-bit hash boxes most keys as heap numbers).
 */
export class StateTable<S> {
  readonly states: S[] = [];
  private readonly primitive = new Map<unknown, number>();
  private slots = new Int32Array(256);
  private chain = new Int32Array(256);
  private hashes = new Int32Array(256);

  constructor(private readonly model: CompleteModel<S>) {}

  get size(): number {
    return this.states.length;
  }

  get(id: number): S {
    return this.states[id]!;
  }

  intern(state: S): number {
    if (state === null || typeof state !== 'object') {
      let id = this.primitive.get(state);
      if (id === undefined) this.primitive.set(state, (id = this.add(state, 0)));
      return id;
    }
    const h = this.model.hash(state) | 0;
    const { states, hashes, chain } = this;
    for (let id = this.slots[h & (this.slots.length - 1)]! - 1; id >= 0; id = chain[id]! - 1) {
      if (hashes[id] === h && (states[id] === state || this.model.equal(states[id]!, state))) return id;
    }
    const id = this.add(state, h);
    if (id >= this.slots.length) this.grow();
    else this.link(id);
    return id;
  }

  private add(state: S, hash: number): number {
    const id = this.states.length;
    this.states.push(state);
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = hash;
    return id;
  }

  private link(id: number): void {
    const slot = this.hashes[id]! & (this.slots.length - 1);
    this.chain[id] = this.slots[slot]!;
    this.slots[slot] = id + 1;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.chain = new Int32Array(size);
    // Primitive states are in the table's id space too but never chained.
    for (let id = 0; id < this.states.length; id++) {
      const s = this.states[id];
      if (s !== null && typeof s === 'object') this.link(id);
    }
  }
}
