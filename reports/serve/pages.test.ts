import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { g2ItemRun, hostileRun, storeRun, validRun } from '../../test/support/report-runs.ts';
import { indexPage } from './pages.ts';
import { historyDurationS, listRuns } from './run-index.ts';

describe('the store index', () => {
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'faultline-index-'));
    await storeRun(store, validRun(), '20260101T000000.000');
    await storeRun(store, g2ItemRun(), '20260102T000000.000');
    const died = await storeRun(store, validRun(), '20260103T000000.000');
    await unlink(join(died, 'results.json'));
    await storeRun(store, hostileRun(), '20251231T000000.000');
  });
  afterAll(() => rm(store, { recursive: true, force: true }));

  it('lists runs newest first with verdict, anomalies, seed and duration', async () => {
    const runs = await listRuns(store);
    expect(runs.map((r) => [r.timestamp, r.valid, r.anomalyTypes, r.seed])).toEqual([
      ['20260103T000000.000', undefined, [], 1234],
      ['20260102T000000.000', false, ['G2-item', 'write-skew'], 42],
      ['20260101T000000.000', true, [], 1234],
      ['20251231T000000.000', false, [hostileRun().results.anomalyTypes[0]], 42],
    ]);
    const last = validRun().history.at(-1)!.time / 1e9;
    expect(runs[0]!.durationS).toBeCloseTo(last, 6);
    expect(await historyDurationS(join(store, 'nope'))).toBeUndefined();
  });

  it('shows the verdict in colour and links each report and file list, escaping names', async () => {
    const page = indexPage(store, await listRuns(store));
    expect(page).toContain('<span class="badge badge-invalid">invalid</span>');
    expect(page).toContain('<span class="badge badge-valid">valid</span>');
    expect(page).toContain('<span class="badge badge-not-checked">not checked</span>');
    expect(page).toContain('<a href="/etcd-list-append/20260102T000000.000/report.html">report</a>');
    expect(page).toContain('href="/%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%20%3D%202%22%3E/20251231T000000.000/report.html"');
    expect(page).not.toMatch(/<img|<script/);
  });
});
