import type { AnomalyList } from '../anomaly-list.ts';
import { BASE_CLASSES, anyCycle, classifyCycle, cycleClass, shortestCycle, type FoundCycle, type SearchBudget, type Variant } from './cycle-search.ts';
import { explainCycle, type StepExplainer } from './explain.ts';
import type { DepGraph } from './graph.ts';
import { impliedForSearch } from './models.ts';
import { txnOp } from './txn-anomalies.ts';
import type { Txns } from './txns.ts';

export interface CycleSearchReport {
  /** Strongly connected components searched (of those found). */
  searched: number;
  /** Cycle classes whose search in some component stopped early without finding one. */
  incomplete: string[];
  timedOut: boolean;
}

/**
 * In each strongly connected component, the shortest cycle of each class, most severe first
 * (Elle's order); a class implied by one already found there is not searched again. A class
 * can only have cycles inside one strongly connected component of its own relations, so each
 * search runs on those smaller components.
 */
export function findCycleAnomalies(
  txns: Txns,
  graph: DepGraph,
  sccs: readonly Int32Array[],
  variants: readonly Variant[],
  budget: SearchBudget,
  why: StepExplainer,
  anomalies: AnomalyList,
): CycleSearchReport {
  const incomplete = new Set<string>();
  let searched = 0;
  for (const scc of sccs) {
    if (budget.timedOut) break;
    searched++;
    const found = new Set<string>();
    const subCache = new Map<number, Int32Array[]>();
    for (const variant of variants) {
      for (const base of BASE_CLASSES) {
        const cls = cycleClass(base, variant);
        if (impliedForSearch(found).has(cls.type)) continue;
        if (performance.now() > budget.deadline) {
          budget.timedOut = true;
          break;
        }
        let sub = subCache.get(cls.allowed);
        if (!sub) subCache.set(cls.allowed, (sub = graph.components(scc, cls.allowed)));
        let best: FoundCycle | undefined;
        for (const component of sub) {
          const outcome = shortestCycle(graph, component, cls, budget);
          if (outcome.cycle && (!best || outcome.cycle.nodes.length < best.nodes.length)) best = outcome.cycle;
          if (!outcome.exhaustive && !outcome.cycle) incomplete.add(cls.type);
          if (budget.timedOut) break;
        }
        if (best) {
          found.add(cls.type);
          report(txns, cls.type, best, why, anomalies);
        }
        if (budget.timedOut) break;
      }
      if (budget.timedOut) break;
    }
    if (found.size === 0) {
      // Every component has a cycle; if the class searches ran out of budget, name one anyway.
      const cycle = anyCycle(graph, scc);
      if (cycle) report(txns, classifyCycle(cycle.kinds), cycle, why, anomalies);
    }
  }
  return { searched, incomplete: [...incomplete].sort(), timedOut: budget.timedOut };
}

function report(txns: Txns, type: string, found: FoundCycle, why: StepExplainer, anomalies: AnomalyList): void {
  // Start from the earliest transaction, so the story reads in invocation order where it can.
  const first = found.nodes.indexOf(Math.min(...found.nodes));
  const cycle: FoundCycle = {
    nodes: [...found.nodes.slice(first), ...found.nodes.slice(0, first)],
    kinds: [...found.kinds.slice(first), ...found.kinds.slice(0, first)],
  };
  const { explanation, text } = explainCycle(txns, cycle, why);
  const ops = cycle.nodes.map((t) => txnOp(txns, t));
  anomalies.add({ type, ops, explanation, text });
  // Two transactions, each reading what the other writes: the classic write skew.
  if (type.startsWith('G2-item') && cycle.kinds.length === 2 && cycle.kinds.every((k) => k === 'rw')) {
    anomalies.add({ type: 'write-skew', ops, explanation, text });
  }
}
