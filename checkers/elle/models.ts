import { DirectedGraph } from 'graphology';
import { InputError } from '../../harness/errors.ts';
import { ALIASES, MODEL_IMPLIES, PROHIBITS, SINGLE_OBJECT_MODELS } from './lattice.ts';

/**
 * Consistency models and the anomalies that rule them out, after Elle's consistency-model
 * namespace (the tables are in lattice.ts). Both relations are small DAGs, kept in graphology
 * graphs.
 */

/** a → b: a history exhibiting anomaly a also exhibits b (Elle's implied-anomalies). */
const ANOMALY_IMPLIES: Record<string, string[]> = {
  G0: ['G1c', 'G0-process'],
  'G0-process': ['G1c-process', 'G0-realtime'],
  'G0-realtime': ['G1c-realtime'],
  G1a: ['G1'],
  G1b: ['G1'],
  G1c: ['G1', 'G1c-process'],
  'G1c-process': ['G1c-realtime', 'G1-process'],
  'G1c-realtime': ['G1-realtime'],
  G1: ['G1-process'],
  'G1-process': ['G1-realtime'],
  'G-single': ['G-nonadjacent', 'G-single-process'],
  'G-single-process': ['G-nonadjacent-process', 'G-single-realtime'],
  'G-single-realtime': ['G-nonadjacent-realtime'],
  'G-nonadjacent': ['G2', 'G-nonadjacent-process'],
  'G-nonadjacent-process': ['G2-process', 'G-nonadjacent-realtime'],
  'G-nonadjacent-realtime': ['G2-realtime'],
  G2: ['G2-process'],
  'G2-process': ['G2-realtime'],
  'G2-item': ['G2', 'G2-item-process'],
  'G2-item-process': ['G2-process', 'G2-item-realtime'],
  'G2-item-realtime': ['G2-realtime'],
  'incompatible-order': ['G1a'],
  'future-read': ['G1c'],
  'dirty-update': ['G1a'],
  'lost-update': ['write-skew', 'G2-item'],
  'write-skew': ['G2'],
};

/**
 * faultline's rw edges are all item anti-dependencies, so its G-single and G-nonadjacent cycles
 * are also G2-item cycles (Adya). Elle leaves these out (it cannot tell item from predicate
 * cycles), which lets a G-single slip past repeatable-read; we add them when judging models,
 * but not when deciding which cycle searches a found anomaly makes redundant.
 */
const ITEM_IMPLIES: Record<string, string[]> = {
  'G-single': ['G2-item'],
  'G-single-process': ['G2-item-process'],
  'G-single-realtime': ['G2-item-realtime'],
  'G-nonadjacent': ['G2-item'],
  'G-nonadjacent-process': ['G2-item-process'],
  'G-nonadjacent-realtime': ['G2-item-realtime'],
};

function dag(...maps: Record<string, string[]>[]): DirectedGraph {
  const g = new DirectedGraph({ allowSelfLoops: false });
  for (const map of maps) {
    for (const [a, bs] of Object.entries(map)) {
      g.mergeNode(a);
      for (const b of bs) {
        g.mergeNode(b);
        g.mergeEdge(a, b);
      }
    }
  }
  return g;
}

const models = dag(MODEL_IMPLIES);
const prohibits = dag(PROHIBITS);
const searchImplied = dag(ANOMALY_IMPLIES);
const modelImplied = dag(ANOMALY_IMPLIES, ITEM_IMPLIES);

function reach(g: DirectedGraph, from: Iterable<string>, direction: 'out' | 'in'): Set<string> {
  const seen = new Set<string>(from);
  const todo = [...seen];
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (!g.hasNode(x)) continue;
    const next = direction === 'out' ? g.outNeighbors(x) : g.inNeighbors(x);
    for (const y of next) {
      if (!seen.has(y)) {
        seen.add(y);
        todo.push(y);
      }
    }
  }
  return seen;
}

export const CONSISTENCY_MODELS: readonly string[] = Object.keys(MODEL_IMPLIES);
export const DEFAULT_MODEL = 'strict-serializable';

/** The canonical model name, or an InputError naming the choices. */
export function parseConsistencyModel(value: unknown): string {
  if (value === undefined || value === null) return DEFAULT_MODEL;
  const name = String(value);
  const canonical = ALIASES[name] ?? name;
  if (!models.hasNode(canonical)) {
    throw new InputError(`unknown consistency model ${JSON.stringify(name)}; expected one of ${CONSISTENCY_MODELS.join(', ')}`);
  }
  return canonical;
}

/**
 * A model for a checker of transactions (list-append, rw-register, lost-update, on-call): a
 * single-object model's anomalies are none of the ones they look for, so it would pass
 * unchecked — an InputError naming the checker that judges it.
 */
export function parseTransactionalModel(value: unknown, checker: string): string {
  const model = parseConsistencyModel(value);
  if (!SINGLE_OBJECT_MODELS.includes(model)) return model;
  const by = model === 'linearizable' || model === 'sequential' ? 'the linearizable checker (per key)' : 'the session checker (--checker session)';
  throw new InputError(`the ${checker} checker judges transactional consistency models; ${model} is a single-object model, checked by ${by}`);
}

/** Anomalies implied by any of `anomalies`, including themselves (for skipping searches). */
export function impliedForSearch(anomalies: Iterable<string>): Set<string> {
  return reach(searchImplied, anomalies, 'out');
}

/** Every anomaly whose presence rules out `model` (directly, through weaker models, or implied). */
export function anomaliesProhibitedBy(model: string): Set<string> {
  const weaker = reach(models, [model], 'out');
  const direct = new Set<string>();
  for (const m of weaker) if (prohibits.hasNode(m)) for (const a of prohibits.outNeighbors(m)) direct.add(a);
  return reach(modelImplied, direct, 'in');
}

/** Models that cannot hold given these anomalies, weakest first. */
export function impossibleModels(anomalies: Iterable<string>): string[] {
  const implied = reach(modelImplied, anomalies, 'out');
  const direct = new Set<string>();
  for (const a of implied) if (prohibits.hasNode(a)) for (const m of prohibits.inNeighbors(a)) direct.add(m);
  const all = reach(models, direct, 'in');
  return [...all].sort((a, b) => strength(a) - strength(b) || a.localeCompare(b));
}

/** The weakest of `ms`: those no other member of `ms` is implied by. */
export function weakestModels(ms: readonly string[]): string[] {
  const set = new Set(ms);
  return ms.filter((m) => ![...reach(models, [m], 'out')].some((w) => w !== m && set.has(w)));
}

/** How many models a model implies: a rough strength order for listing. */
function strength(model: string): number {
  return reach(models, [model], 'out').size;
}

/** Which order edges a model's anomalies need: process order, realtime order. */
export function ordersNeeded(model: string): { process: boolean; realtime: boolean } {
  const prohibited = anomaliesProhibitedBy(model);
  const realtime = [...prohibited].some((a) => a.endsWith('-realtime'));
  const process = realtime || [...prohibited].some((a) => a.endsWith('-process'));
  return { process, realtime };
}
