import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from './history-builder.ts';

/** The anomaly classes a {@link plantedHistory} store commits once, on purpose. */
export const PLANTED = ['G0', 'G1a', 'G1b', 'G1c', 'G-single', 'G2-item', 'write-skew', 'lost-update', 'internal', 'garbage-read', 'cyclic-versions'] as const;
/** The session-guarantee violations it can commit (for the session checker). */
export const PLANTED_SESSION = ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'writes-follow-reads'] as const;
export type Planted = (typeof PLANTED)[number] | (typeof PLANTED_SESSION)[number];

type Mop = [string, string, unknown];

/**
 * A list-append store that is strictly serializable — one transaction at a time, on keys k0…k3
 * — except once, at a random point, where it misbehaves in the way that makes `planted`
 * (on two fresh keys, px and py, which later transactions read and append to as well, so the
 * anomaly sits among ordinary dependencies):
 *
 * - G0: two concurrent transactions' appends to px and py land in opposite orders;
 * - G1a: a transaction's append stays visible although the store reported it failed;
 * - G1b: a concurrent reader sees the first of a transaction's two appends to px;
 * - G1c: two concurrent transactions each read the other's append;
 * - G-single: a reader sees a concurrent transaction's append to py but not its append to px;
 * - G2-item / write-skew: two concurrent transactions read px and py, then append one each;
 * - lost-update: two concurrent transactions read px, then both append to it;
 * - internal: a transaction reads px without its own append;
 * - garbage-read: the store puts a value on px that no transaction appended;
 * - cyclic-versions: the store installs a transaction's two appends to px in reverse order;
 * - read-your-writes: process 10 appends to px, then reads px without it;
 * - monotonic-reads: process 10 reads another's append to px, then reads px without it;
 * - monotonic-writes: process 10 sees process 11's append to py but not its earlier one to px;
 * - writes-follow-reads: process 13 reads process 11's append to px and appends to py; process
 *   10 sees that append but not the one 13 had read.
 */
export function plantedHistory(planted: Planted, seed: number): Op[] {
  const rng = xoroshiro128plus(seed);
  const int = (lo: number, hi: number) => uniformInt(rng, lo, hi);
  const lists = new Map<string, number[]>();
  let next = 1;
  const read = (k: string) => {
    const l = lists.get(k);
    return l && l.length > 0 ? [...l] : null;
  };
  const append = (k: string, v: number) => lists.set(k, [...(lists.get(k) ?? []), v]);
  const b = new HistoryBuilder();
  const total = 30;
  const at = int(3, total - 5);
  let keys = ['k0', 'k1', 'k2', 'k3'];
  for (let i = 0; i < total; i++) {
    if (i === at) {
      plant(planted, b, { read, append, fresh: () => next++ });
      keys = [...keys, 'px', 'py'];
      // Someone reads what the misbehaviour left, so it shows.
      b.txn(12, [['r', 'px', read('px')], ['r', 'py', read('py')]]);
      continue;
    }
    const mops: Mop[] = [];
    for (let m = int(1, 3); m > 0; m--) {
      const k = keys[int(0, keys.length - 1)]!;
      if (int(0, 1) === 0) mops.push(['r', k, read(k)]);
      else {
        const v = next++;
        append(k, v);
        mops.push(['append', k, v]);
      }
    }
    b.txn(i % 4, mops);
  }
  return b.build();
}

interface Store {
  read(k: string): number[] | null;
  append(k: string, v: number): void;
  fresh(): number;
}

/** The misbehaving step: processes 10 and 11, overlapping in real time where the anomaly needs it. */
function plant(planted: Planted, b: HistoryBuilder, s: Store): void {
  const pending = (mops: Mop[]) => mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v]);
  const both = (t1: Mop[], t2: Mop[], done1: Mop[] = t1, done2: Mop[] = t2) => {
    b.invoke(10, 'txn', pending(t1)).invoke(11, 'txn', pending(t2));
    b.ok(10, done1).ok(11, done2);
  };
  switch (planted) {
    case 'G0': {
      const [a, c, d, e] = [s.fresh(), s.fresh(), s.fresh(), s.fresh()];
      s.append('px', a);
      s.append('px', c);
      s.append('py', e);
      s.append('py', d);
      both([['append', 'px', a], ['append', 'py', d]], [['append', 'px', c], ['append', 'py', e]]);
      return;
    }
    case 'G1a': {
      const a = s.fresh();
      s.append('px', a);
      b.txn(10, [['append', 'px', a]], 'fail');
      return;
    }
    case 'G1b': {
      const [a, c] = [s.fresh(), s.fresh()];
      b.invoke(10, 'txn', [['append', 'px', a], ['append', 'px', c]]);
      s.append('px', a);
      b.invoke(11, 'txn', [['r', 'px', null]]).ok(11, [['r', 'px', s.read('px')]]);
      s.append('px', c);
      b.ok(10, [['append', 'px', a], ['append', 'px', c]]);
      return;
    }
    case 'G1c': {
      const [a, c] = [s.fresh(), s.fresh()];
      s.append('px', a);
      s.append('py', c);
      both([['append', 'px', a], ['r', 'py', null]], [['append', 'py', c], ['r', 'px', null]], [['append', 'px', a], ['r', 'py', s.read('py')]], [['append', 'py', c], ['r', 'px', s.read('px')]]);
      return;
    }
    case 'G-single': {
      const [a, c] = [s.fresh(), s.fresh()];
      const before = s.read('px');
      s.append('px', a);
      s.append('py', c);
      both([['r', 'px', null], ['r', 'py', null]], [['append', 'px', a], ['append', 'py', c]], [['r', 'px', before], ['r', 'py', s.read('py')]]);
      return;
    }
    case 'G2-item':
    case 'write-skew': {
      const [a, c] = [s.fresh(), s.fresh()];
      const [x, y] = [s.read('px'), s.read('py')];
      s.append('px', a);
      s.append('py', c);
      both([['r', 'px', x], ['r', 'py', y], ['append', 'px', a]], [['r', 'px', x], ['r', 'py', y], ['append', 'py', c]]);
      return;
    }
    case 'lost-update': {
      const [a, c] = [s.fresh(), s.fresh()];
      const x = s.read('px');
      s.append('px', a);
      s.append('px', c);
      both([['r', 'px', x], ['append', 'px', a]], [['r', 'px', x], ['append', 'px', c]]);
      return;
    }
    case 'read-your-writes': {
      const a = s.fresh();
      const x = s.read('px');
      s.append('px', a);
      b.txn(10, [['append', 'px', a]]).txn(10, [['r', 'px', x]]);
      return;
    }
    case 'monotonic-reads': {
      const a = s.fresh();
      const x = s.read('px');
      s.append('px', a);
      b.txn(11, [['append', 'px', a]]).txn(10, [['r', 'px', s.read('px')]]).txn(10, [['r', 'px', x]]);
      return;
    }
    case 'monotonic-writes': {
      const [a, c] = [s.fresh(), s.fresh()];
      const x = s.read('px');
      s.append('px', a);
      s.append('py', c);
      b.txn(11, [['append', 'px', a]]).txn(11, [['append', 'py', c]]).txn(10, [['r', 'py', s.read('py')], ['r', 'px', x]]);
      return;
    }
    case 'writes-follow-reads': {
      const [a, c] = [s.fresh(), s.fresh()];
      const x = s.read('px');
      s.append('px', a);
      b.txn(11, [['append', 'px', a]]).txn(13, [['r', 'px', s.read('px')]]);
      s.append('py', c);
      b.txn(13, [['append', 'py', c]]).txn(10, [['r', 'py', s.read('py')], ['r', 'px', x]]);
      return;
    }
    case 'garbage-read': {
      s.append('px', s.fresh());
      return;
    }
    case 'cyclic-versions': {
      const [a, c] = [s.fresh(), s.fresh()];
      s.append('px', c);
      s.append('px', a);
      b.txn(10, [['append', 'px', a], ['append', 'px', c]]);
      return;
    }
    case 'internal': {
      const a = s.fresh();
      const x = s.read('px');
      s.append('px', a);
      b.txn(10, [['append', 'px', a], ['r', 'px', x]]);
      return;
    }
  }
}
