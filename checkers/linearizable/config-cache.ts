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
 * state and the same completed ops but for reads, having linearized a subset of its crashed ops
 * and a superset of its reads: whatever can follow the dominated one can follow the other — a
 * crashed op may also never take effect, and dropping reads already placed from a continuation
 * changes no state (they were candidates when placed, so nothing still pending had to precede
 * them). Without the first, k pending crashed writes make 2^k configurations that differ only in
 * which already happened. The hash must therefore leave out crashed ops and reads.
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
  private dead: Uint8Array;
  private arena: Uint32Array;
  private used = 0;
  private count = 0;
  /** Set when an add found the table at its size limit: the search must stop. */
  full = false;

  /**
   * @param readMask one bit per completed op that is a read (by word), to let configurations
   * that linearized more reads dominate; without it completed ops must match exactly.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly readMask?: Uint32Array,
  ) {
    const capacity = 1024;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.stateIds = new Int32Array(capacity);
    this.nexts = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.completedLens = new Int32Array(capacity);
    this.keyLens = new Int32Array(capacity);
    this.dead = new Uint8Array(capacity);
    this.arena = new Uint32Array(capacity * 4);
  }

  get size(): number {
    return this.count;
  }

  /** The `e`th configuration added (0 ≤ e < size): its key is `words` from `offsetOf(e)`. */
  get words(): Uint32Array {
    return this.arena;
  }

  offsetOf(e: number): number {
    return this.offsets[e]!;
  }

  completedLenOf(e: number): number {
    return this.completedLens[e]!;
  }

  keyLenOf(e: number): number {
    return this.keyLens[e]!;
  }

  stateOf(e: number): number {
    return this.stateIds[e]!;
  }

  /** Bytes held by the table, for the stats and the memory limit. */
  get bytes(): number {
    return this.slots.byteLength * 7 + this.dead.byteLength + this.arena.byteLength;
  }

  /**
   * Adds the configuration unless it (or one that dominates it) is already there. `key` holds
   * `completedLen` words for the completed ops, then the sorted ids of crashed ops linearized,
   * `keyLen` in all. Returns true when it was added, i.e. the search should explore it. With
   * `replace`, cached configurations the new one dominates are marked dead (see {@link isDead}).
   */
  add(key: Uint32Array, completedLen: number, keyLen: number, hash: number, stateId: number, replace = false): boolean {
    for (let e = this.slots[hash & this.mask]! - 1; e >= 0; e = this.nexts[e]!) {
      if (this.hashes[e] !== hash || this.stateIds[e] !== stateId || this.dead[e] === 1) continue;
      const order = this.compare(e, key, completedLen, keyLen);
      if ((order & CACHED_DOMINATES) !== 0) return false;
      if (replace && order === NEW_DOMINATES) this.dead[e] = 1;
    }
    if (this.count === this.hashes.length || this.used + keyLen > this.arena.length) {
      if (this.bytes * 2 > this.maxBytes) {
        // Not recording is sound for a memo (it only saves work); the search stops on `full`.
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

  /** Entry `e` was replaced by a configuration that dominates it. */
  isDead(e: number): boolean {
    return this.dead[e] === 1;
  }

  /**
   * How cached entry `e` and the new key compare (same state, same hash): which one dominates
   * the other, as bits. Completed ops that are not reads must be the same; the dominating one
   * has linearized a superset of the reads and a subset of the crashed ops.
   */
  private compare(e: number, key: Uint32Array, completedLen: number, keyLen: number): number {
    const { arena, readMask } = this;
    const base = this.offsets[e]!;
    const cachedLen = this.completedLens[e]!;
    let order = CACHED_DOMINATES | NEW_DOMINATES;
    if (readMask === undefined) {
      if (cachedLen !== completedLen) return 0;
      for (let w = 0; w < completedLen; w++) if (arena[base + w] !== key[w]) return 0;
    } else if (arena[base] === key[0] && cachedLen === completedLen) {
      // Same first word and length (the usual case): compare word by word.
      const lo = key[0]! - 1;
      for (let w = 1; w < completedLen; w++) {
        const a = arena[base + w]!;
        const b = key[w]!;
        if (a === b) continue;
        if (((a ^ b) & ~readMask[lo + w]!) !== 0) return 0;
        if ((b & ~a) !== 0) order &= ~CACHED_DOMINATES;
        if ((a & ~b) !== 0) order &= ~NEW_DOMINATES;
        if (order === 0) return 0;
      }
    } else {
      // Words by absolute index: below a key's first word every op is linearized, above its
      // last none is.
      const loA = arena[base]!;
      const hiA = loA + cachedLen - 2;
      const loB = key[0]!;
      const hiB = loB + completedLen - 2;
      const hi = Math.max(hiA, hiB);
      for (let w = Math.min(loA, loB); w <= hi; w++) {
        const a = w < loA ? ALL : w > hiA ? 0 : arena[base + 1 + w - loA]!;
        const b = w < loB ? ALL : w > hiB ? 0 : key[1 + w - loB]!;
        if (((a ^ b) & ~readMask[w]!) !== 0) return 0;
        if ((b & ~a) !== 0) order &= ~CACHED_DOMINATES;
        if ((a & ~b) !== 0) order &= ~NEW_DOMINATES;
        if (order === 0) return 0;
      }
    }
    // Crashed ids, both sorted: the dominating side's are a subset of the other's.
    const endA = base + this.keyLens[e]!;
    if ((order & CACHED_DOMINATES) !== 0 && !sortedSubset(arena, base + cachedLen, endA, key, completedLen, keyLen)) order &= ~CACHED_DOMINATES;
    if ((order & NEW_DOMINATES) !== 0 && !sortedSubset(key, completedLen, keyLen, arena, base + cachedLen, endA)) order &= ~NEW_DOMINATES;
    return order;
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
    const dead = new Uint8Array(capacity);
    dead.set(this.dead);
    this.dead = dead;
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

const CACHED_DOMINATES = 1;
const NEW_DOMINATES = 2;
const ALL = 0xffffffff;

/** Are the sorted ids `a[aFrom..aEnd)` a subset of the sorted ids `b[bFrom..bEnd)`? */
function sortedSubset(a: Uint32Array, aFrom: number, aEnd: number, b: Uint32Array, bFrom: number, bEnd: number): boolean {
  let j = bFrom;
  for (let i = aFrom; i < aEnd; i++) {
    const id = a[i]!;
    while (j < bEnd && b[j]! < id) j++;
    if (j === bEnd || b[j] !== id) return false;
    j++;
  }
  return true;
}

/** A configuration's hash: its linearized-set hash mixed with the state id (murmur3's finalizer). */
export function configHash(setHash: number, stateId: number): number {
  let h = setHash ^ Math.imul(stateId + 1, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
