import { describe, expect, it } from 'vitest';
import { pairOps } from '../../harness/history/op.ts';
import { largeRun, validRun } from '../../test/support/report-runs.ts';
import { faultWindows } from '../../harness/faults/windows.ts';
import { bucketSeconds, chartOps, quantileSorted } from './chart-ops.ts';
import { latencyChart, MAX_POINTS, samplePoints } from './latency-chart.ts';
import { throughputChart } from './throughput-chart.ts';

function opsOf(history: ReturnType<typeof validRun>['history']) {
  const pairs = pairOps(history).filter((p) => p.invoke.process !== 'nemesis');
  return chartOps(pairs, history[history.length - 1]!.time);
}

describe('chart helpers', () => {
  it('picks round bucket widths without float noise', () => {
    expect(bucketSeconds(60)).toBe(0.5);
    expect(bucketSeconds(0.03)).toBe(0.0002);
    expect(bucketSeconds(1000)).toBe(10);
  });

  it('takes nearest-rank quantiles', () => {
    const xs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([0.5, 0.95, 0.99, 1].map((q) => quantileSorted(xs, q))).toEqual([5, 10, 10, 10]);
    expect(quantileSorted(new Float64Array(), 0.5)).toBeNaN();
  });
});

describe('samplePoints', () => {
  const run = largeRun(60_000);
  const ops = opsOf(run.history);
  const bucket = bucketSeconds(ops.extent);

  it('stays under the cap on a big history and keeps the slowest op of every bucket', () => {
    const chosen = samplePoints(ops, bucket);
    expect(chosen.length).toBeLessThanOrEqual(MAX_POINTS);
    const kept = new Set(chosen);
    const slowest = new Map<string, number>();
    for (let i = 0; i < ops.start.length; i++) {
      if (ops.outcome[i]! >= 3) continue;
      const key = `${Math.floor(ops.start[i]! / bucket)}:${ops.f[i]}:${ops.outcome[i]}`;
      const cur = slowest.get(key);
      if (cur === undefined || ops.latency[i]! > ops.latency[cur]!) slowest.set(key, i);
    }
    for (const i of slowest.values()) expect(kept.has(i)).toBe(true);
  });

  it('keeps every op of a small history', () => {
    const small = opsOf(validRun().history);
    expect(samplePoints(small, bucketSeconds(small.extent))).toHaveLength(small.outcome.filter((o) => o < 3).length);
  });
});

describe('charts', () => {
  const run = validRun();
  const ops = opsOf(run.history);
  const windows = faultWindows(run.history);

  it('draws latency points per operation and outcome, quantile lines and fault shading', () => {
    const svg = latencyChart(ops, windows).value;
    expect(svg).not.toContain('NaN');
    expect(svg.match(/<g class="fault">/g)).toHaveLength(2);
    expect(svg).toContain('>partition</text>');
    expect(svg).toContain('>kill</text>');
    for (const q of ['q50', 'q95', 'q99', 'qmax']) expect(svg).toContain(`<polyline class="${q}"`);
    expect(svg).toContain('>100 ms</text>');
  });

  it('draws throughput per operation and outcome', () => {
    const svg = throughputChart(ops, windows).value;
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('txn ok');
    expect(svg).toContain('txn fail');
  });

  it('says so when there is nothing to draw', () => {
    const empty = chartOps([], 0);
    expect(latencyChart(empty, []).value).toContain('No completed operations');
    expect(throughputChart(empty, []).value).toContain('No completed operations');
  });
});
