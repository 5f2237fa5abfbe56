import { fromFn } from '../../harness/generator/basic.ts';
import { limit } from '../../harness/generator/combinators.ts';
import { perKey } from '../../harness/generator/per-key.ts';
import type { Invocation } from '../../harness/client.ts';
import type { Draw } from '../../harness/random.ts';
import { defineWorkload } from '../workload.ts';
import { finalReads } from './final-reads.ts';
import { registerOptionProblems, registerOptions } from './options.ts';

/** The final reads (every key from every node) get at most this long. */
const FINAL_READS_LIMIT_NS = 60e9;

/** One register op: read, write v, or cas [expected, new], equally likely. */
export function registerOp(d: Draw, valueRange: number): Invocation {
  switch (d.int(0, 2)) {
    case 0:
      return { f: 'read', value: null };
    case 1:
      return { f: 'write', value: d.int(0, valueRange - 1) };
    default:
      return { f: 'cas', value: [d.int(0, valueRange - 1), d.int(0, valueRange - 1)] };
  }
}

/**
 * Read / write / compare-and-set on independent keys (Jepsen's etcd register test). Each group of
 * `threadsPerKey` workers hammers one key for `opsPerKey` ops, then moves to a fresh key, so every
 * key's history is small enough to check for linearizability exhaustively. After the faults heal
 * and the recovery window passes, every node reads back every key (final reads), and the
 * `converged` checker verifies they agree.
 */
export const casRegister = defineWorkload({
  name: 'register',
  description: 'read / write / compare-and-set on independent keys, checked for linearizability (cas-register)',
  checkOptions: registerOptionProblems,
  generator(test, random) {
    const o = registerOptions(test);
    return perKey({
      threadsPerKey: o.threadsPerKey,
      random,
      gen: (_key, r) => limit(o.opsPerKey, fromFn((d) => registerOp(d, o.valueRange), r)),
    });
  },
  finalGenerator(test, _random, keys) {
    return finalReads(keys, test.nodes, FINAL_READS_LIMIT_NS);
  },
  checkers() {
    return [
      { name: 'well-formed' },
      { name: 'stats' },
      { name: 'linearizable', options: { model: 'cas-register' }, optional: true },
      { name: 'converged' },
    ];
  },
});
