import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet } from '../../test/support/raw-get.ts';
import { launchChromium, type StartedBrowser } from '../../test/support/browser.ts';
import { g2ItemRun, nonlinearizableRun, storeRun, validRun } from '../../test/support/report-runs.ts';
import { writeReport } from '../write-report.ts';
import { startStoreServer, type StartedStoreServer } from './store-server.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'faultline.js');

describe('faultline serve', () => {
  let root: string;
  let store: string;
  let server: StartedStoreServer;
  let browser: StartedBrowser;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'faultline-serve-'));
    store = join(root, 'store');
    await mkdir(store);
    await writeFile(join(root, 'secret.txt'), 'do not serve me');
    for (const [run, stamp] of [[g2ItemRun(), '20260101T000000.000'], [nonlinearizableRun(), '20260102T000000.000']] as const) {
      await writeReport({ ...run, runDir: await storeRun(store, run, stamp) });
    }
    // A run whose report was never written: serve draws it on request.
    const valid = await storeRun(store, validRun(), '20260103T000000.000');
    await symlink(valid, join(store, 'latest'));
    await symlink(root, join(valid, 'escape'));
    server = await startStoreServer({ store, port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('binds to loopback by default', () => {
    expect(server.loopback).toBe(true);
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('lists the runs with verdicts in colour and opens each report with no request leaving the store', async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1280, height: 700 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    await page.goto(server.url);
    const rows = page.locator('tr.run');
    expect(await rows.count()).toBe(3);
    expect(await rows.locator('td:first-child').allTextContents()).toEqual(['etcd-list-append', 'etcd-register', 'etcd-list-append']);
    expect(await rows.locator('.badge').allTextContents()).toEqual(['valid', 'invalid', 'invalid']);
    expect(await rows.locator('.badge').nth(1).evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(214, 69, 65)');
    expect(await rows.nth(1).locator('td').nth(4).textContent()).toBe('nonlinearizable');
    await page.screenshot({ path: join(ARTIFACTS, 'serve-index.png') });
    for (const n of [0, 1]) {
      await page.goto(server.url);
      await rows.nth(n).getByRole('link', { name: 'report' }).click();
      await page.waitForFunction(() => window.faultlineReady === true, null, { timeout: 20_000 });
      expect(await page.locator('.verdict-word').textContent()).toBe(n === 0 ? 'VALID' : 'INVALID');
    }
    expect(await page.locator('svg.lin-view').count()).toBe(1);
    await page.getByRole('link', { name: 'nodes/n1/etcd.log' }).click();
    await expect.poll(() => page.locator('body').textContent()).toContain('etcd started');
    expect(requests.every((u) => u.startsWith(server.url))).toBe(true);
    expect(problems).toEqual([]);
  });

  it.each(['/../secret.txt', '/../../etc/passwd', '/%2e%2e/secret.txt', '/etcd-register/%2E%2E/%2E%2E/secret.txt', '/etcd-register/..%2f..%2fsecret.txt', '/etcd-register/..%5c..%5csecret.txt'])(
    'refuses %s',
    async (path) => {
      const res = await rawGet(server.url, path);
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('do not serve me');
    },
  );

  it('refuses a symlink that leads out of the store, and follows one that stays inside', async () => {
    expect((await rawGet(server.url, '/latest/escape/secret.txt')).status).toBe(403);
    const inside = await rawGet(server.url, '/latest/test.json');
    expect(inside.status).toBe(200);
    expect(JSON.parse(inside.body)).toMatchObject({ seed: 1234 });
  });

  it('runs as a command: prints its address, serves the index, stops on SIGINT', async () => {
    await unlink(join(store, 'etcd-list-append', '20260103T000000.000', 'escape'));
    const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--store', store, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${out}`)));
      });
      const index = await rawGet(url, '/');
      expect(index.status).toBe(200);
      expect(index.body).toContain('3 runs in');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
