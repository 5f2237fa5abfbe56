import { describe, expect, it } from 'vitest';
import { FINAL_READ } from '../../checkers/conventions.ts';
import { linearizableChecker } from '../../checkers/linearizable/linearizable-checker.ts';
import { pairOps } from '../../harness/history/op.ts';
import { parseHistoryText } from '../../harness/importers/read-history.ts';
import { compose } from '../../harness/result.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import { renderReport } from '../render-report.ts';
import { chartOps, hasTimes } from './chart-ops.ts';
import { latencyChart } from './latency-chart.ts';
import { throughputChart } from './throughput-chart.ts';

/** A Porcupine-style etcd log of our own: no times, ops in file order. */
function porcupineLog(ops: number): string {
  const lines: string[] = [];
  for (let i = 0; i < ops; i++) {
    const p = i % 3;
    lines.push(`INFO  jepsen.util - ${p}\t:invoke\t:write\t${i}`);
    lines.push(`INFO  jepsen.util - ${p}\t:ok\t:write\t${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A register workload at 10 ops/s for 10 s, then `finals` final reads within 0.2 s. */
function withFinalReads(finals: number) {
  const b = new HistoryBuilder({ stepMs: 0 });
  for (let i = 0; i < 100; i++) b.wait(50).invoke(0, 'write', i, 'k').wait(50).ok(0);
  for (let i = 0; i < finals; i++) b.wait(0.5).invoke(1, 'read', FINAL_READ, 'k').wait(0.5).ok(1, 99);
  return b.ops;
}

describe('charts of a history without times', () => {
  const history = parseHistoryText(porcupineLog(60), 'etcd.log');

  it('knows the times are positions', () => {
    expect(hasTimes(history)).toBe(false);
    expect(hasTimes(withFinalReads(3))).toBe(true);
  });

  it('draws by position instead of squeezing every op into 0.00 ms', () => {
    const ops = chartOps(pairOps(history), history.length - 1, 'position');
    const latency = latencyChart(ops, []).value;
    const throughput = throughputChart(ops, []).value;
    for (const svg of [latency, throughput]) {
      expect(svg).toContain('position in the history (it has no times)');
      expect(svg).not.toContain('seconds since the test started');
      expect(svg).not.toContain('NaN');
    }
    expect(throughput).toMatch(/completions per \d+ positions/);
    expect(latency).toContain('entries from invocation to completion');
    expect(latency).not.toContain(' ms<');
  });

  it('says so in the report header, and a check report has no seed sentence', async () => {
    const results = compose([await linearizableChecker.check(history, {})]);
    const page = await renderReport({ history, results, title: 'etcd.log', replay: 'faultline check etcd.log --checker linearizable', generatedAt: new Date(0) });
    expect(page).toContain('60 operations, no times in the history (drawn by position)');
    expect(page).not.toContain('over 0.00 ms');
    expect(page).not.toContain('seed replays');
  });
});

describe('final reads in the throughput chart', () => {
  it('are a band apart, so the burst does not flatten the workload', () => {
    const history = withFinalReads(200);
    const ops = chartOps(pairOps(history), history.at(-1)!.time);
    const svg = throughputChart(ops, []).value;
    expect(svg).toContain('final reads ×200');
    expect(svg).toContain('The 200 final reads (after the last heal) are the shaded band');
    // The workload's 10/s sets the scale; the burst (about 1,000/s) would have.
    const ticks = [...svg.matchAll(/class="tick" text-anchor="end">([\d.]+)(k?)\/s</g)].map((m) => Number(m[1]) * (m[2] ? 1000 : 1));
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(20);
    expect(svg).not.toContain('read ok');
  });

  it('a history without final reads has no band', () => {
    const history = withFinalReads(0);
    const svg = throughputChart(chartOps(pairOps(history), history.at(-1)!.time), []).value;
    expect(svg).not.toContain('final reads');
  });
});
