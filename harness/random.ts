import { webcrypto } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { InputError } from './errors.ts';

/** Seeds are non-negative safe integers, so they print and paste exactly. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * The draws a random source offers. Every choice a run makes (op mix, values, fault targets,
 * timings) goes through one of these, never through `Math.random`.
 */
export interface Draw {
  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** Uniform float in [0, 1). */
  float(): number;
  bool(probability?: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index into `weights`, chosen in proportion to the weights. */
  weighted(weights: readonly number[]): number;
  /** Exponentially distributed with the given mean (inter-arrival times). */
  exponential(mean: number): number;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
}

/**
 * An immutable seeded random source (xoroshiro128+ from pure-rand). Drawing returns the value and
 * the next source, so generators stay pure values: asking a generator twice gives the same
 * answer. `fork(label)` derives an independent child stream from the current state and a label
 * without advancing the parent, so the stream a worker, key or nemesis sees does not depend on
 * how the others interleave.
 *
 * The limit, honestly: a seed replays the *schedule* — which ops are generated, with which
 * values, keys and delays, and which faults hit which nodes — not the database's interleavings or
 * the timing of completions, which depend on the machine.
 */
export class Random {
  private constructor(private readonly state: readonly [number, number, number, number]) {}

  static fromSeed(seed: number): Random {
    checkSeed(seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    return new Random(nonZero([mix32(lo ^ mix32(hi)), mix32(hi ^ 0x9e3779b9 ^ mix32(lo + 1)), mix32(lo + 0x6a09e667), mix32(hi + 0xbb67ae85 + mix32(lo))]));
  }

  /** Rebuilds a source from a state snapshot (see {@link RandomStream.fork}). */
  static fromState(state: readonly number[]): Random {
    if (state.length !== 4) throw new RangeError('a Random state has four 32-bit words');
    return new Random(nonZero([state[0]! | 0, state[1]! | 0, state[2]! | 0, state[3]! | 0]));
  }

  /** A child stream determined by this source's state and `label` (the parent is unchanged). */
  fork(label: string | number): Random {
    const h = hashLabel(String(label));
    const [a, b, c, d] = this.state;
    return new Random(nonZero([mix32(a ^ h), mix32(b ^ mix32(h + 0x9e3779b9)), mix32(c ^ mix32(h + 0x3c6ef372)), mix32(d ^ mix32(h + 0xdaa66d2b))]));
  }

  /** Runs `fn` with a draw over a private copy of the state; returns its result and the next source. */
  draw<T>(fn: (d: Draw) => T): [T, Random] {
    const rng = xoroshiro128plusFromState(this.state);
    const value = fn(new RngDraw(rng));
    return [value, new Random(rng.getState() as [number, number, number, number])];
  }

  /** A mutable stream for imperative, single-owner code (a nemesis choosing nodes). */
  stream(): RandomStream {
    return new RandomStream(xoroshiro128plusFromState(this.state));
  }
}

class RngDraw implements Draw {
  constructor(protected readonly rng: RandomGenerator) {}

  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) throw new RangeError(`int(${min}, ${max}): expected integers with min <= max`);
    return uniformInt(this.rng, min, max);
  }

  float(): number {
    return uniformFloat64(this.rng);
  }

  bool(probability = 0.5): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('weighted: weights must sum to more than 0');
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/** A mutable draw with its own state; `fork` snapshots it into an immutable {@link Random}. */
export class RandomStream extends RngDraw {
  fork(label: string | number): Random {
    return Random.fromState(this.rng.getState()).fork(label);
  }
}

/** A fresh seed for a run that was not given one (printed so it can be replayed). */
export function randomSeed(): number {
  const [a, b] = webcrypto.getRandomValues(new Uint32Array(2));
  // 48 bits: plenty of variety, short enough to read aloud.
  return (a! % 2 ** 16) * 2 ** 32 + b!;
}

export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError(`seed must be an integer from 0 to ${MAX_SEED}; got ${seed}`);
  }
}

/** 32-bit finaliser (murmur3 fmix32): small input changes flip about half the output bits. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** FNV-1a over UTF-16 code units. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** xoroshiro128+ must never have an all-zero state. */
function nonZero(s: [number, number, number, number]): [number, number, number, number] {
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s[0] = 0x2545f491;
  return s;
}
