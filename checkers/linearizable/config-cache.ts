/**
 * Lowe's memo of configurations already explored: (set of linearized ops, model state). A
 * tailored hash table over typed arrays, because this is the search's hot loop: a JS Map keyed
 * by a bitset string costs an allocation and a string hash per probe.
 *
 * The bitset has two parts: bits `[0, completedWords * 32)` for ops that completed, the rest for
 * crashed ops. A configuration is dominated (and so need not be explored) by a cached one with
 * the same completed ops, the same state, and a subset of its crashed ops: whatever can follow
 * the larger one can follow the smaller one, since a crashed op may also never take effect.
 * Without that, k pending crashed writes make 2^k configurations that differ only in which of
 * them already happened.
 */
export class ConfigCache {
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private stateIds: Int32Array;
  private nexts: Int32Array;
  private bits: Uint32Array;
  private count = 0;
  readonly maxEntries: number;

  constructor(
    private readonly words: number,
    private readonly completedWords: number,
    maxBytes: number,
  ) {
    this.maxEntries = Math.max(1024, Math.floor(maxBytes / (words * 4 + 16)));
    const capacity = 1024;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.stateIds = new Int32Array(capacity);
    this.nexts = new Int32Array(capacity);
    this.bits = new Uint32Array(capacity * words);
  }

  get size(): number {
    return this.count;
  }

  /** Set when an add found the table at its size limit: the search must stop. */
  full = false;

  /** Bytes held by the table, for the stats. */
  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength * 3 + this.bits.byteLength;
  }

  /**
   * Adds the configuration unless it (or one that dominates it) is already there. Returns
   * true when it was added, i.e. the search should explore it.
   */
  add(set: Uint32Array, hash: number, stateId: number): boolean {
    const { words, completedWords, bits } = this;
    for (let e = this.slots[hash & this.mask]! - 1; e >= 0; e = this.nexts[e]!) {
      if (this.hashes[e] !== hash || this.stateIds[e] !== stateId) continue;
      const base = e * words;
      let w = 0;
      while (w < completedWords && bits[base + w] === set[w]) w++;
      if (w < completedWords) continue;
      while (w < words && (bits[base + w]! & ~set[w]!) === 0) w++;
      if (w === words) return false;
    }
    if (this.count === this.hashes.length) {
      if (this.count * 2 > this.maxEntries) {
        // Not recording is sound (the memo only saves work); the search stops on `full`.
        this.full = true;
        return true;
      }
      this.grow();
    }
    const e = this.count++;
    this.hashes[e] = hash;
    this.stateIds[e] = stateId;
    this.bits.set(set, e * words);
    const slot = hash & this.mask;
    this.nexts[e] = this.slots[slot]! - 1;
    this.slots[slot] = e + 1;
    return true;
  }

  private grow(): void {
    const capacity = this.hashes.length * 2;
    const widen = <T extends Int32Array | Uint32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.hashes = widen(this.hashes, capacity);
    this.stateIds = widen(this.stateIds, capacity);
    this.nexts = new Int32Array(capacity);
    this.bits = widen(this.bits, capacity * this.words);
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let e = 0; e < this.count; e++) {
      const slot = this.hashes[e]! & this.mask;
      this.nexts[e] = this.slots[slot]! - 1;
      this.slots[slot] = e + 1;
    }
  }
}
