/**
 * One line per anomaly name: what it means for a person who has not read Adya's thesis. Names
 * follow Elle and Jepsen; `-process` and `-realtime` variants share their base's meaning.
 */
const MEANINGS: Record<string, string> = {
  G0: 'write cycle: transactions overwrote each other’s writes in an order no serial execution allows',
  G1a: 'aborted read: a transaction read a value written by a transaction that failed',
  G1b: 'intermediate read: a transaction read a value another transaction later overwrote within itself',
  G1c: 'circular information flow: transactions each saw the other’s writes, so neither came first',
  'G-single': 'read skew: a transaction saw some of another’s effects but missed one (a cycle with one anti-dependency)',
  'G-nonadjacent': 'a cycle whose anti-dependencies never follow one another, which snapshot isolation forbids',
  'G2-item': 'anti-dependency cycle: each transaction missed a write of the next, so no serial order explains what they read',
  G2: 'anti-dependency cycle over predicates: each transaction missed a write of the next',
  'write-skew': 'write skew: two transactions each read what the other overwrote',
  'lost-update': 'lost update: two transactions read the same version and both wrote it, so one write vanished',
  internal: 'internal inconsistency: a transaction’s read disagrees with its own earlier write or read',
  'dirty-update': 'dirty update: a failed transaction’s write became visible through a later committed write',
  'duplicate-elements': 'duplicate elements: one appended value appears more than once in a list',
  'incompatible-order': 'incompatible order: two reads of the same key disagree on the order of its elements',
  'future-read': 'future read: a transaction read a value that had not been written yet',
  nonlinearizable: 'not linearizable: no order of the operations consistent with real time explains what clients saw',
  'wrong-total': 'wrong total: a read saw account balances that do not add up to the constant total',
  'negative-value': 'negative value: a read saw a balance below zero, which the workload never allows',
  'lost-element': 'lost element: an acknowledged add never showed up in the final read',
  'unexpected-element': 'unexpected element: a read returned something no client ever added',
  'never-succeeded': 'an operation never succeeded: a workload whose operations all fail tests nothing',
  'on-call-invariant': 'write skew made visible: every doctor of a shift went off call, though each transaction saw two on call',
  'half-applied': 'a distributed transaction took effect on one shard but not the other (atomic commit broken)',
  'lost-commit': 'a distributed transaction the coordinator committed took effect on no shard',
  'aborted-applied': 'a distributed transaction the coordinator aborted took effect anyway',
  'in-doubt': 'a prepared transaction was still waiting for its outcome after recovery, holding its locks',
  'empty-graph': 'nothing to check: the dependency graph had no edges, so no cycle could have been found',
};

const VARIANTS: Record<string, string> = {
  process: 'counting each process’s own order',
  realtime: 'counting real-time order',
};

/** The one-line meaning of an anomaly name, or a generic line for a name faultline does not know. */
export function meaningOf(type: string): string {
  const direct = MEANINGS[type];
  if (direct) return direct;
  const m = /^(.*)-(process|realtime)$/.exec(type);
  if (m && MEANINGS[m[1]!]) return `${MEANINGS[m[1]!]} (${VARIANTS[m[2]!]})`;
  return 'an anomaly reported by the checker; see the explanation below';
}
