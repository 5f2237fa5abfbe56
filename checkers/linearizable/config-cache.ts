/**
 * Lowe's memo of configurations already explored: (set of linearized ops, model state). A
 * tailored hash table over typed arrays, because this is the search's hot loop: a JS Map keyed
 * by a bitset string costs an allocation and a string hash per probe.
 *
 * Keys are compact, so long histories stay cheap: completed ops are numbered in call order and
 * a search linearizes them roughly in that order, so the set is "every op below `low`" plus a
 * few bits in a window above it; crashed ops linearized are listed by id. A key is
 * `[low >>> 5, window words…, crashed ids…]` (the caller builds it). A full bitset would cost
 * n/32 words per entry: 12 KiB for a 100,000-op register.
 *
 * A configuration is dominated (and so need not be explored) by a cached one with the same
 * completed ops, the same state and a subset of its crashed ops: whatever can follow the larger
 * one can follow the smaller one, since a crashed op may also never take effect. Without that,
 * k pending crashed writes make 2^k configurations that differ only in which already happened.
 */
export class ConfigCache {
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private stateIds: Int32Array;
  private nexts: Int32Array;
  private offsets: Int32Array;
  private completedLens: Int32Array;
  private keyLens: Int32Array;
  private arena: Uint32Array;
  private used = 0;
  private count = 0;
  /** Set when an add found the table at its size limit: the search must stop. */
  full = false;

  constructor(private readonly maxBytes: number) {
    const capacity = 1024;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.stateIds = new Int32Array(capacity);
    this.nexts = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.completedLens = new Int32Array(capacity);
    this.keyLens = new Int32Array(capacity);
    this.arena = new Uint32Array(capacity * 4);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table, for the stats and the memory limit. */
  get bytes(): number {
    return this.slots.byteLength * 7 + this.arena.byteLength;
  }

  /**
   * Adds the configuration unless it (or one that dominates it) is already there. `key` holds
   * `completedLen` words for the completed ops, then the sorted ids of crashed ops linearized,
   * `keyLen` in all. Returns true when it was added, i.e. the search should explore it.
   */
  add(key: Uint32Array, completedLen: number, keyLen: number, hash: number, stateId: number): boolean {
    const { arena } = this;
    probe: for (let e = this.slots[hash & this.mask]! - 1; e >= 0; e = this.nexts[e]!) {
      if (this.hashes[e] !== hash || this.stateIds[e] !== stateId || this.completedLens[e] !== completedLen) continue;
      const base = this.offsets[e]!;
      for (let w = 0; w < completedLen; w++) if (arena[base + w] !== key[w]) continue probe;
      // Dominated if the cached crashed ids are a subset of ours (both sorted).
      let mine = completedLen;
      const end = base + this.keyLens[e]!;
      for (let i = base + completedLen; i < end; i++) {
        const id = arena[i]!;
        while (mine < keyLen && key[mine]! < id) mine++;
        if (mine === keyLen || key[mine] !== id) continue probe;
        mine++;
      }
      return false;
    }
    if (this.count === this.hashes.length || this.used + keyLen > this.arena.length) {
      if (this.bytes * 2 > this.maxBytes) {
        // Not recording is sound (the memo only saves work); the search stops on `full`.
        this.full = true;
        return true;
      }
      if (this.count === this.hashes.length) this.growEntries();
      if (this.used + keyLen > this.arena.length) this.growArena(this.used + keyLen);
    }
    const e = this.count++;
    this.hashes[e] = hash;
    this.stateIds[e] = stateId;
    this.offsets[e] = this.used;
    this.completedLens[e] = completedLen;
    this.keyLens[e] = keyLen;
    this.arena.set(key.subarray(0, keyLen), this.used);
    this.used += keyLen;
    const slot = hash & this.mask;
    this.nexts[e] = this.slots[slot]! - 1;
    this.slots[slot] = e + 1;
    return true;
  }

  private growArena(needed: number): void {
    let size = this.arena.length * 2;
    while (size < needed) size *= 2;
    const arena = new Uint32Array(size);
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }

  private growEntries(): void {
    const capacity = this.hashes.length * 2;
    const widen = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.hashes = widen(this.hashes);
    this.stateIds = widen(this.stateIds);
    this.offsets = widen(this.offsets);
    this.completedLens = widen(this.completedLens);
    this.keyLens = widen(this.keyLens);
    this.nexts = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let e = 0; e < this.count; e++) {
      const slot = this.hashes[e]! & this.mask;
      this.nexts[e] = this.slots[slot]! - 1;
      this.slots[slot] = e + 1;
    }
  }
}
