import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { g2ItemRun, storeRun } from '../../test/support/report-runs.ts';
import { runCli } from '../../test/support/cli-in-process.ts';

describe('faultline report / check --report', () => {
  let store: string;
  let runDir: string;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'faultline-report-cmd-'));
    runDir = await storeRun(store, g2ItemRun(), '20260101T000000.000');
  });
  afterAll(() => rm(store, { recursive: true, force: true }));

  it('report RUN_DIR writes report.html beside the run, linking its files', async () => {
    const { code, stdout: said } = await runCli(['report', runDir]);
    expect(code).toBe(0);
    expect(said).toMatch(/^wrote .*report\.html \(\d+\.\d KB\)\n$/);
    const page = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(page).toContain('<span class="verdict-word">INVALID</span>');
    expect(page).toContain('<a href="nodes/n1/etcd.log">nodes/n1/etcd.log</a>');
  });

  it('report on a folder that is not a run exits 254 with the reason', async () => {
    const { code, stderr: said } = await runCli(['report', store]);
    expect(code).toBe(254);
    expect(said).toBe(`faultline: ${store}: no test.json here: not a faultline run folder (expected store/<test>/<timestamp>/)\n`);
  });

  it('check --report draws the checked history, keeping the check exit code', async () => {
    const out = join(store, 'checked.html');
    const { code } = await runCli(['check', join(runDir, 'history.jsonl'), '--report', out]);
    expect(code).toBe(0);
    expect((await stat(out)).size).toBeGreaterThan(10_000);
    const page = await readFile(out, 'utf8');
    expect(page).toContain('Valid: the stats checker found no anomaly in this history.');
    expect(page).toContain(`faultline check ${join(runDir, 'history.jsonl')} --checker stats`);
  });

  it('check --report with several files is bad input', async () => {
    const { code } = await runCli(['check', join(runDir, 'history.jsonl'), join(runDir, 'history.jsonl'), '--report', join(store, 'x.html')]);
    expect(code).toBe(254);
  });
});
