/**
 * What the anomalies Elle's analyses report mean (names after Elle and Adya). A cycle found with
 * process or real-time order as well is the same anomaly, named `-process` / `-realtime`.
 */
const BASE: Readonly<Record<string, string>> = {
  G0: 'write cycle: transactions overwrote each other’s writes in an order no serial execution allows',
  G1a: 'aborted read: a transaction read a value written by a transaction that failed',
  G1b: 'intermediate read: a transaction read a value another transaction later overwrote within itself',
  G1c: 'circular information flow: transactions each saw the other’s writes, so neither came first',
  'G-single': 'read skew: a transaction saw some of another’s effects but missed one (a cycle with one anti-dependency)',
  'G-nonadjacent': 'a cycle whose anti-dependencies never follow one another, which snapshot isolation forbids',
  'G2-item': 'anti-dependency cycle: each transaction missed a write of the next, so no serial order explains what they read',
  'write-skew': 'write skew: two transactions each read what the other overwrote',
  'lost-update': 'lost update: two transactions read the same version and both wrote it, so one write vanished',
  internal: 'internal inconsistency: a transaction’s read disagrees with its own earlier write or read',
  'dirty-update': 'dirty update: a failed transaction’s write became visible through a later committed write',
  'duplicate-elements': 'duplicate elements: one appended value appears more than once in a list',
  'incompatible-order': 'incompatible order: two reads of the same key disagree on the order of its elements',
  'future-read': 'future read: a transaction read a value that had not been written yet',
  'cyclic-versions': 'cyclic versions: the inferred version orders of a key contradict each other (e.g. a read shows one transaction’s appends in another order than it made them)',
  'garbage-read': 'garbage read: a transaction read a value that no transaction wrote, not even one that failed',
  'empty-transaction-graph': 'nothing to check: the dependency graph had no edges, so no cycle could have been found',
  'cycle-search-timeout': 'the cycle search ran out of time: anomalies found so far are reported, the rest is unknown',
};

const VARIANTS: Readonly<Record<string, string>> = { process: 'counting each process’s own order', realtime: 'counting real-time order' };

export const ELLE_MEANINGS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(BASE).flatMap(([type, meaning]) => [[type, meaning], ...Object.entries(VARIANTS).map(([v, how]) => [`${type}-${v}`, `${meaning} (${how})`])]),
);
