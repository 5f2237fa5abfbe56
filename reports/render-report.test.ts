import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CycleExplanation } from '../checkers/explanations.ts';
import { g2ItemRun, HOSTILE, hostileRun, longReadsRun, nonlinearizableRun, validRun } from '../test/support/report-runs.ts';
import { renderReport } from './render-report.ts';
import { compose, type CheckResult } from '../harness/result.ts';
import { twoPhaseCommitChecker } from '../checkers/invariants/two-phase-commit.ts';
import { HistoryBuilder } from '../test/support/history-builder.ts';
import { pairOps } from '../harness/history/op.ts';
import { encodeTimeline, type TimelineData } from './timeline-data.ts';

const fixed = new Date('2026-01-02T03:04:05Z');

function scripts(page: string): { attrs: string; body: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

describe('renderReport', () => {
  it('shades the fault windows the run stored in results.json; only a history checked on its own has them read from its nemesis ops', async () => {
    const windowsOf = (page: string) => (JSON.parse(/<script type="application\/json" id="fl-data">([\s\S]*?)<\/script>/.exec(page)![1]!) as { windows: { fault: string }[] }).windows;
    const run = validRun();
    expect(windowsOf(await renderReport(run)).map((w) => w.fault)).toEqual(['partition', 'kill']);
    const stored = [{ fault: 'partition', start: 5e6, end: 7e6, unhealed: false, startOp: 0, value: null }];
    expect(windowsOf(await renderReport({ ...run, results: { ...run.results, faultWindows: stored } }))).toEqual([{ fault: 'partition', start: 5000, end: 7000 }]);
  });

  it('puts the verdict first, then the anomaly with its meaning and diagram', async () => {
    const page = await renderReport({ ...g2ItemRun(), generatedAt: fixed });
    const verdictAt = page.indexOf('id="verdict"');
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(page.indexOf('id="anomalies"'));
    expect(page).toContain('<span class="verdict-word">INVALID</span>');
    expect(page).toContain('Invalid: list-append found G2-item (write skew).');
    expect(page).toContain('Ruled out: this history is not <b>repeatable-read, serializable, strong-session-serializable and strict-serializable</b>');
    expect(page).toContain('<svg class="cycle"');
    expect(page).toContain('npx faultline run --db etcd --workload list-append --nodes 3 --concurrency 4 --rate 200 --time-limit 6 --nemesis partition --nemesis-interval 2 --recovery 1 --isolation serializable --option keyCount=5 --seed 42');
    expect(page).toContain('report written 2026-01-02 03:04:05 UTC');
  });

  it('shows a write skew and its G2-item, one cycle reported under both names, as one card', async () => {
    const run = g2ItemRun();
    expect(run.results.checkers['list-append']!.anomalyTypes).toEqual(['G2-item', 'write-skew']);
    const page = await renderReport(run);
    expect(page.match(/<article class="anomaly">/g)).toHaveLength(1);
    expect(page.match(/<svg class="cycle"/g)).toHaveLength(1);
    expect(page).toContain('<div class="anomaly-type" id="anomaly-G2-item"><span id="anomaly-write-skew"></span>');
    expect(page).toMatch(/<h3>G2-item — write skew <span class="count">1 instance<\/span><\/h3>\s*<p class="meaning">write skew: two transactions each read what the other overwrote<\/p>/);
    expect(page).toContain('<h4>G2-item — write skew <span class="nth">#1</span>');
    expect(page).toContain('<a href="#anomaly-G2-item">G2-item (write skew)</a></td>');
    expect(page).toContain('1 anomaly below');
  });

  it('keeps a failure over reads of hundreds of elements short, with every full value a click away', async () => {
    const run = longReadsRun();
    const elle = run.results.checkers['list-append']!;
    expect(elle.anomalyTypes).toEqual(['G-single', 'G2-item', 'write-skew']);
    const page = await renderReport(run);
    const texts = [...page.matchAll(/<div class="explanation">([^<]*)<\/div>/g)].map((m) => m[1]!);
    expect(texts).toHaveLength(2);
    for (const t of texts) expect(t.length).toBeLessThan(600);
    const boxLines = [...page.matchAll(/class="txn-op">([^<]*)</g)].map((m) => m[1]!);
    expect(boxLines.length).toBeGreaterThanOrEqual(8);
    for (const line of boxLines) expect(line.length).toBeLessThanOrEqual(27);
    // Each long read is in the page in full, under "full value".
    const fulls = [...page.matchAll(/<details class="full-value"><summary>full value<\/summary><pre>([^<]*)<\/pre>/g)].map((m) => m[1]!);
    for (const a of elle.anomalies.filter((x) => x.type !== 'write-skew')) {
      for (const t of (a.explanation as CycleExplanation).txns) {
        for (const [f, k, v] of t.value as [string, string, unknown][]) {
          if (f === 'r' && Array.isArray(v) && v.length > 10) expect(fulls.some((full) => full.includes(`r ${k} [${v.join(' ')}]`))).toBe(true);
        }
      }
    }
  });

  it("prefers the runner's replay line to one rebuilt from test.json", async () => {
    const run = g2ItemRun();
    const page = await renderReport({ ...run, results: { ...run.results, replay: 'npx faultline run --seed 42 --option keyCount=5' } });
    expect(page).toContain('<code id="replay-command">npx faultline run --seed 42 --option keyCount=5</code>');
  });

  it('draws the Porcupine view for a nonlinearizable key', async () => {
    const page = await renderReport(nonlinearizableRun());
    expect(page).toContain('<svg class="lin-view"');
    expect(page).toContain('not linearizable: no order of the operations consistent with real time explains what clients saw');
  });

  it('has no anomaly section for a valid run, but charts, availability and the timeline', async () => {
    const page = await renderReport(validRun());
    expect(page).not.toContain('id="anomalies"');
    expect(page).toContain('Valid: all 2 checkers (list-append and stats) found no anomaly in this history.');
    expect(page).toContain('<svg class="chart"');
    expect(page).toMatch(/<td><i class="sw" style="background:#e67e22"><\/i>partition<\/td>/);
    expect(page).toContain('id="timeline-root"');
  });

  it('lets only its own script run and loads nothing from anywhere', async () => {
    const page = await renderReport(validRun());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!.replace(/&#39;/g, "'");
    const all = scripts(page);
    const [data, code] = [all[0], all[all.length - 1]];
    expect(data!.attrs).toBe(' type="application/json" id="fl-data"');
    expect(all.slice(1, -1).every((s) => s.attrs === ' type="application/octet-stream" class="fl-chunk"')).toBe(true);
    expect(all.filter((s) => s.attrs === '')).toEqual([code]);
    const hash = createHash('sha256').update(code!.body).digest('base64');
    expect(csp).toBe(`default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it('embeds every op for the timeline in compressed chunks, with an index to find them', async () => {
    const run = validRun();
    const pairs = pairOps(run.history);
    const { index, chunks } = encodeTimeline(pairs, 300);
    expect(chunks).toHaveLength(Math.ceil(pairs.length / 300));
    expect(index).toMatchObject({ rows: 300, n: pairs.length });
    const decoded = chunks.flatMap((c, k) => {
      const data = JSON.parse(gunzipSync(Buffer.from(c, 'base64')).toString()) as TimelineData;
      expect(index.firstIndex[k]).toBe(pairs[k * 300]!.invoke.index);
      let t = 0;
      let i = 0;
      return data.t.map((dt, row) => ({ t: (t += dt), i: (i += data.i[row]!), f: data.fs[data.f[row]!], o: data.o[row] }));
    });
    expect(decoded).toEqual(pairs.map((p) => ({ t: Math.round(p.invoke.time / 1000), i: p.invoke.index, f: p.invoke.f, o: ['ok', 'fail', 'info'].indexOf(p.completion!.type) })));
    const page = await renderReport(run);
    expect(scripts(page).filter((s) => s.attrs.includes('fl-chunk'))).toHaveLength(1);
  });

  it('escapes every hostile value: none appears as markup anywhere in the page', async () => {
    const page = await renderReport(hostileRun());
    for (const evil of Object.values(HOSTILE)) expect(page).not.toContain(evil);
    expect(page).not.toMatch(/<img|<svg onload/);
    expect(scripts(page).map((s) => s.attrs)).toEqual([' type="application/json" id="fl-data"', ' type="application/octet-stream" class="fl-chunk"', '']);
    for (const s of scripts(page)) expect(s.body).not.toMatch(/[\u2028\u2029]/);
    expect(page).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
  });
});

describe('renderReport on little input', () => {
  it('draws an empty, unchecked history without failing', async () => {
    const page = await renderReport({ history: [], results: undefined, title: 'empty.jsonl' });
    expect(page).toContain('<span class="verdict-word">NOT CHECKED</span>');
    expect(page).toContain('No completed operations, so no latencies to draw.');
    expect(page).toContain('No faults were injected');
    expect(page).not.toContain('class="fl-chunk"');
  });

  it('shows the blocking cost of 2PC from the 2pc checker: lock hold times on the normal path and in doubt', async () => {
    const t = (gid: string) => ({ from: 0, to: 5, amount: 3, gid });
    const b = new HistoryBuilder()
      .op(0, 'transfer', t('g1'), 'ok', { ...t('g1'), heldMs: 12 })
      .op(1, 'transfer', t('g2'), 'ok', { ...t('g2'), heldMs: 30, pending: ['n2'] })
      .op(2, 'transfer', t('g3'), 'info', t('g3'))
      .op(0, 'recover', null, 'ok', { resolved: [{ gid: 'g3', shard: 'n2', decision: 'abort', heldMs: 4200 }, { gid: 'g2', shard: 'n2', decision: 'commit', heldMs: 950 }] })
      .op(0, 'ledger', null, 'ok', { applied: { n1: [{ gid: 'g1', account: 0, delta: -3 }, { gid: 'g2', account: 0, delta: -3 }], n2: [{ gid: 'g1', account: 5, delta: 3 }, { gid: 'g2', account: 5, delta: 3 }] }, inDoubt: { n1: [], n2: [] } });
    const history = b.build();
    const run = validRun();
    const page = await renderReport({ ...run, history, results: compose([twoPhaseCommitChecker.check(history, {}) as CheckResult]) });
    expect(page).toContain('<a href="#two-phase-commit">2PC locks</a>');
    expect(page).toContain('<td>normal path (PREPARE → COMMIT PREPARED)</td><td class="num">2</td><td class="num">30.0 ms</td><td class="num">30.0 ms</td><td class="num">30.0 ms</td>');
    expect(page).toContain('<td>in doubt (PREPARE → resolved by recovery)</td><td class="num">2</td><td class="num">4.20 s</td><td class="num">4.20 s</td><td class="num">4.20 s</td>');
    expect(page).toContain('3 transfers; recovery committed 1 and aborted 1 in-doubt transactions; 1 committed transfer left a shard');
    expect(page).toContain('Longest in doubt: <code>g3</code> on n2 4.20 s (abort), <code>g2</code> on n2 950 ms (commit).');
    // A run without 2PC has no such section.
    expect(await renderReport(run)).not.toContain('id="two-phase-commit"');
  });
});
