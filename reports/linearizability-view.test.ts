import { describe, expect, it } from 'vitest';
import type { LinearizabilityExplanation } from '../checkers/explanations.ts';
import { pairOps, type OpPair } from '../harness/history/op.ts';
import { HistoryBuilder } from '../test/support/history-builder.ts';
import { nonlinearizableRun } from '../test/support/report-runs.ts';
import { isLinearizabilityExplanation, linearizabilityView, viewWindow } from './linearizability-view.ts';

function byInvoke(ops: Parameters<typeof pairOps>[0]): Map<number, OpPair> {
  return new Map(pairOps(ops).map((p) => [p.invoke.index, p]));
}

function explanationOf(run: ReturnType<typeof nonlinearizableRun>): LinearizabilityExplanation {
  const e = run.results.checkers.linearizable!.anomalies[0]!.explanation;
  if (!isLinearizabilityExplanation(e)) throw new Error('fixture lost its explanation');
  return e;
}

describe('linearizabilityView', () => {
  const run = nonlinearizableRun();
  const expl = explanationOf(run);
  const svg = linearizabilityView(expl, byInvoke(run.history)).value;

  it('draws the prefix green and numbered, and the failing op red', () => {
    expect(svg.match(/<g class="lin-prefix"/g)).toHaveLength(expl.longestPrefix.length);
    expect(svg.match(/<g class="lin-failed"/g)).toHaveLength(1);
    expect(svg).toContain(`data-op="${expl.failedOp}"`);
    expect(svg).toContain('>1. write 1</text>');
    expect(svg).toContain('>✗ read → 1</text>');
  });

  it('puts the model state after each linearized op, and the impossible states, on hover', () => {
    expect(svg).toContain('model state after it: 2');
    expect(svg).toContain('cannot be linearized: it is impossible from every state the prefix can reach (2)');
    expect(svg).toContain('cannot follow: the register could only be in state <code>2</code>');
  });

  it('has a lane per process that touched the key', () => {
    expect(svg.match(/class="lane-label"/g)).toHaveLength(4);
    expect(svg).not.toContain('NaN');
  });
});

describe('viewWindow', () => {
  it('keeps a long key to a window around the failure, with every op overlapping it', () => {
    const b = new HistoryBuilder({ stepMs: 0 });
    const invokes: number[] = [];
    let long = -1;
    for (let i = 0; i < 300; i++) {
      // Process 9's write starts early and ends late: it overlaps the failing op.
      if (i === 60) invokes.push((long = b.invoke(9, 'write', -1, 'k').last.index));
      if (i === 200) b.complete(9, 'ok');
      invokes.push(b.invoke(i % 3, 'write', i, 'k').last.index);
      b.wait(1);
      b.complete(i % 3, 'ok');
    }
    const failedOp = invokes[156]!;
    const expl: LinearizabilityExplanation = { kind: 'linearizability', key: 'k', model: 'register', ops: invokes, longestPrefix: invokes.slice(0, 156), failedOp, states: ['154'] };
    const shown = viewWindow(expl, byInvoke(b.ops), 40);
    expect(shown).toHaveLength(40);
    expect(shown.some((p) => p.invoke.index === failedOp)).toBe(true);
    expect(shown.some((p) => p.invoke.index === long)).toBe(true);
    const positions = shown.filter((p) => p.invoke.index !== long).map((p) => invokes.indexOf(p.invoke.index));
    expect(Math.min(...positions)).toBeGreaterThan(100);
    expect(Math.max(...positions)).toBeLessThan(175);
  });
});
