import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { g2ItemRun, HOSTILE, hostileRun, nonlinearizableRun, validRun } from '../test/fixtures/report-runs.ts';
import { renderReport } from './render-report.ts';
import type { TimelineData } from './timeline-data.ts';

const fixed = new Date('2026-01-02T03:04:05Z');

function scripts(page: string): { attrs: string; body: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

describe('renderReport', () => {
  it('puts the verdict first, then the anomaly with its meaning and diagram', async () => {
    const page = await renderReport({ ...g2ItemRun(), generatedAt: fixed });
    const verdictAt = page.indexOf('id="verdict"');
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(page.indexOf('id="anomalies"'));
    expect(page).toContain('<span class="verdict-word">INVALID</span>');
    expect(page).toContain('Invalid: list-append found G2-item.');
    expect(page).toContain('Ruled out: this history is not <b>repeatable-read, serializable and strict-serializable</b>');
    expect(page).toContain('anti-dependency cycle: each transaction missed a write of the next');
    expect(page).toContain('<svg class="cycle"');
    expect(page).toContain('faultline run --db etcd --workload list-append --nodes 3 --concurrency 4 --rate 200 --time-limit 6 --nemesis partition --nemesis-interval 2 --isolation serializable --seed 42');
    expect(page).toContain('report written 2026-01-02 03:04:05 UTC');
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
    const [data, ops, code] = scripts(page);
    expect(data!.attrs).toBe(' type="application/json" id="fl-data"');
    expect(ops!.attrs).toBe(' type="application/octet-stream" id="fl-ops"');
    expect(code!.attrs).toBe('');
    const hash = createHash('sha256').update(code!.body).digest('base64');
    expect(csp).toBe(`default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it('embeds every op for the timeline, compressed, with the times and outcomes intact', async () => {
    const run = validRun();
    const page = await renderReport(run);
    const data = JSON.parse(gunzipSync(Buffer.from(scripts(page)[1]!.body, 'base64')).toString()) as TimelineData;
    const invocations = run.history.filter((op) => op.type === 'invoke');
    expect(data.n).toBe(invocations.length);
    let t = 0;
    let i = 0;
    data.t.forEach((dt, row) => {
      t += dt;
      i += data.i[row]!;
      expect(i).toBe(invocations[row]!.index);
      expect(t).toBe(Math.round(invocations[row]!.time / 1000));
    });
    expect(data.fs).toContain('start-partition');
  });

  it('escapes every hostile value: none appears as markup anywhere in the page', async () => {
    const page = await renderReport(hostileRun());
    for (const evil of Object.values(HOSTILE)) expect(page).not.toContain(evil);
    expect(page).not.toMatch(/<img|<svg onload/);
    expect(scripts(page)).toHaveLength(3);
    for (const s of scripts(page)) expect(s.body).not.toMatch(/[\u2028\u2029]/);
    expect(page).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
  });
});
