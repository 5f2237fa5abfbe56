import type { MicroOp } from '../../harness/history/op.ts';
import { keptRuns } from '../../harness/abbreviate.ts';
import type { CycleExplanation, CycleStep, CycleTxn, EdgeKind } from '../explanations.ts';
import type { FoundCycle } from './cycle-search.ts';
import type { Txns } from './txns.ts';
import { sameValue, show } from './values.ts';

/** Why one transaction precedes another: the data for a {@link CycleStep}, and its clause. */
export interface StepWhy {
  key?: string | number;
  value?: unknown;
  nextValue?: unknown;
  initial?: boolean;
  /** The clause, given the two transactions' names: "T2 observed T1's append of 3 to key x". */
  render(a: string, b: string): string;
}

export type StepExplainer = (a: number, b: number, kind: EdgeKind) => StepWhy | undefined;

/**
 * A transaction as explanation text shows it: `{op 3, process 0, [["append","x",1]]}`, long reads
 * abbreviated. A transaction of many micro-ops keeps its first and last few and every one that
 * is `relevant` (what its edges in the explanation are about).
 */
export function describeTxn(txns: Txns, t: number, relevant: (mop: MicroOp) => boolean = () => false): string {
  const op = txns.complete[t]! >= 0 ? txns.complete[t]! : txns.invoke[t]!;
  const mops = txns.mops[t]!;
  const focus = mops.flatMap((m, i) => (relevant(m) ? [i] : []));
  const parts = keptRuns(mops.length, { focus, context: 0 }).map((run) =>
    'skipped' in run
      ? `…${run.skipped} more micro-ops…`
      : mops
          .slice(run.from, run.to)
          .map((m) => `[${show(m[0])},${show(m[1])},${show(m[2])}]`)
          .join(','),
  );
  return `{op ${op}, process ${txns.process[t]}, [${parts.join(',')}]}`;
}

/** Does a micro-op take part in a step: a read of its key, or the write of one of its values? */
function inStep(mop: MicroOp, s: CycleStep): boolean {
  return s.key !== undefined && mop[1] === s.key && (mop[0] === 'r' || sameValue(mop[2], s.value) || sameValue(mop[2], s.nextValue));
}

/** Explains a cycle as data, and renders Elle's proof by contradiction. */
export function explainCycle(txns: Txns, cycle: FoundCycle, why: StepExplainer): { explanation: CycleExplanation; text: string } {
  const k = cycle.nodes.length;
  const name = (i: number) => `T${i + 1}`;
  const cycleTxns: CycleTxn[] = cycle.nodes.map((t, i) => ({
    name: name(i),
    op: txns.complete[t]! >= 0 ? txns.complete[t]! : txns.invoke[t]!,
    invoke: txns.invoke[t]!,
    process: txns.process[t]!,
    value: txns.mops[t],
  }));
  const steps: CycleStep[] = cycle.nodes.map((a, i) => {
    const b = cycle.nodes[(i + 1) % k]!;
    const kind = cycle.kinds[i]!;
    const w = why(a, b, kind);
    const step: CycleStep = {
      from: i,
      to: (i + 1) % k,
      kind,
      text: w ? w.render(name(i), name((i + 1) % k)) : `${name(i)} precedes ${name((i + 1) % k)} by ${kind}`,
    };
    if (w?.key !== undefined) step.key = w.key;
    if (w && 'value' in w) step.value = w.value;
    if (w && 'nextValue' in w) step.nextValue = w.nextValue;
    if (w?.initial) step.initial = true;
    return step;
  });
  const relevantTo = (i: number) => {
    const mine = steps.filter((s) => s.from === i || s.to === i);
    return (mop: MicroOp) => mine.some((s) => inStep(mop, s));
  };
  const lets = cycle.nodes.map((t, i) => `${name(i)} = ${describeTxn(txns, t, relevantTo(i))}`).join(', ');
  const clauses = steps.map((s, i) => {
    const claim = `${name(s.from)} < ${name(s.to)}, because ${s.text}`;
    return i === k - 1 ? `However, ${claim}: a contradiction!` : `${claim}.`;
  });
  return { explanation: { kind: 'cycle', txns: cycleTxns, steps }, text: `Let ${lets}. Then: ${clauses.join(' ')}` };
}
