import type { CycleExplanation, CycleStep, CycleTxn, EdgeKind } from '../explanations.ts';
import type { FoundCycle } from './cycle-search.ts';
import type { Txns } from './txns.ts';
import { show } from './values.ts';

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

/** A transaction as explanation text shows it: `{op 3, process 0, [["append","x",1]]}`. */
export function describeTxn(txns: Txns, t: number): string {
  const op = txns.complete[t]! >= 0 ? txns.complete[t]! : txns.invoke[t]!;
  return `{op ${op}, process ${txns.process[t]}, ${show(txns.mops[t])}}`;
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
  const lets = cycle.nodes.map((t, i) => `${name(i)} = ${describeTxn(txns, t)}`).join(', ');
  const clauses = steps.map((s, i) => {
    const claim = `${name(s.from)} < ${name(s.to)}, because ${s.text}`;
    return i === k - 1 ? `However, ${claim}: a contradiction!` : `${claim}.`;
  });
  return { explanation: { kind: 'cycle', txns: cycleTxns, steps }, text: `Let ${lets}. Then: ${clauses.join(' ')}` };
}
