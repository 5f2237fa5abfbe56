import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type StartedBrowser } from '../test/support/browser.ts';
import type { CycleExplanation } from '../checkers/explanations.ts';
import { g2ItemRun, HOSTILE, hostileRun, longReadsRun, nonlinearizableRun, storeRun, validRun, type FixtureRun } from '../test/support/report-runs.ts';
import { faultWindows } from '../harness/faults/windows.ts';
import { writeReport } from './write-report.ts';
import { linearizableChecker } from '../checkers/linearizable/linearizable-checker.ts';
import { parseHistoryText } from '../harness/importers/read-history.ts';
import { compose } from '../harness/result.ts';

/** Screenshots land here for a person to look at; the folder is git-ignored. */
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');

interface Opened {
  page: Page;
  /** Every request the page made other than loading the report itself. */
  requests: string[];
  /** Console errors and warnings, and uncaught exceptions. */
  problems: string[];
}

describe('report.html in headless Chromium', () => {
  let browser: StartedBrowser;
  let store: string;
  beforeAll(async () => {
    browser = await launchChromium();
    store = await mkdtemp(join(tmpdir(), 'faultline-report-browser-'));
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(store, { recursive: true, force: true });
  });

  async function open(run: FixtureRun, stamp: string, opts: { bypassCSP?: boolean } = {}): Promise<Opened> {
    const runDir = await storeRun(store, run, stamp);
    const { file } = await writeReport({ ...run, runDir });
    const url = pathToFileURL(file).href;
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: opts.bypassCSP ?? false });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.faultlineReady === true, null, { timeout: 20_000 });
    return { page, requests, problems };
  }

  it('shows a G2-item: verdict in words, the cycle diagram, and its ops in the timeline', async () => {
    const { page, requests, problems } = await open(g2ItemRun(), '20260101T000000.000');
    await expect.poll(() => page.locator('.verdict-word').textContent()).toBe('INVALID');
    expect(await page.locator('.verdict-sentence').textContent()).toBe('Invalid: list-append found G2-item (write skew). stats found nothing wrong.');
    // One cycle reported as G2-item and as write-skew is one card with both names.
    expect(await page.locator('#anomalies article.anomaly').count()).toBe(1);
    expect(await page.locator('#anomalies svg.cycle').count()).toBe(1);
    expect(await page.locator('#anomalies h3').textContent()).toBe('G2-item — write skew 1 instance');
    expect(await page.locator('#anomalies .anomaly-type > .meaning').textContent()).toBe('write skew: two transactions each read what the other overwrote');
    expect(await page.locator('.ruled-out').textContent()).toContain('repeatable-read, serializable, strong-session-serializable and strict-serializable');
    const diagram = page.locator('#anomalies svg.cycle').first();
    expect(await diagram.isVisible()).toBe(true);
    expect((await diagram.boundingBox())!.width).toBeGreaterThan(400);
    expect(await diagram.locator('g.txn').count()).toBe(2);
    expect(await diagram.locator('g.edge-label text').allTextContents()).toEqual(['rw x 1→3', 'rw y 1→2']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-g2-item.png'), fullPage: true });
    await page.locator('#anomalies .ops a.op-link').first().click();
    await expect.poll(() => page.locator('#timeline g.op.hl').count()).toBe(2);
    await page.locator('#timeline g.op.hl').first().hover();
    expect(await page.locator('.tooltip').textContent()).toMatch(/^process [56] · op #\d+ → #\d+\nr [xy] \[1\]; append [xy] [23]\n/);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('keeps reads of hundreds of elements short in the cards, with more on hover and all on a click', async () => {
    const run = longReadsRun();
    const { page, requests, problems } = await open(run, '20260101T000005.000');
    expect(await page.locator('.verdict-sentence').textContent()).toBe('Invalid: list-append found G-single and G2-item (write skew). stats found nothing wrong.');
    expect(await page.locator('#anomalies h3').allTextContents()).toEqual(['G-single 1 instance', 'G2-item — write skew 1 instance']);
    const card = page.locator('#anomalies article.anomaly').first();
    const explanation = (await card.locator('.explanation').textContent())!;
    expect(explanation.length).toBeLessThan(600);
    expect(explanation).toMatch(/more…/);
    // T2 read both keys: its box lines fit, and each still ends with the last element read.
    const reader = (run.results.checkers['list-append']!.anomalies[0]!.explanation as CycleExplanation).txns[1]!;
    const reads = reader.value as [string, string, number[]][];
    const box = card.locator('g.txn').nth(1);
    const lines = await box.locator('text.txn-op').allTextContents();
    expect(lines).toEqual(reads.map(([, k, v]) => expect.stringMatching(new RegExp(`^r ${k} \\[${v[0]} …\\d+ more… ${v[v.length - 1]}\\]$`))));
    await box.hover();
    const tip = (await page.locator('.tooltip').textContent())!;
    expect(tip).toContain(reads[0]![2].slice(-15).join(' '));
    expect(tip).toContain('(the full value is in the table below the diagram)');
    await page.mouse.move(0, 0);
    await page.locator('#anomalies').screenshot({ path: join(ARTIFACTS, 'report-long-reads.png') });
    const full = card.locator('details.full-value').first();
    expect(await full.locator('pre').isVisible()).toBe(false);
    await full.locator('summary').click();
    expect(await full.locator('pre').isVisible()).toBe(true);
    expect(await full.locator('pre').textContent()).toContain(`r ${reads[0]![1]} [${reads[0]![2].join(' ')}]`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows a nonlinearizable key Porcupine-style, with model states on hover', async () => {
    const { page, requests, problems } = await open(nonlinearizableRun(), '20260101T000001.000');
    expect(await page.locator('.verdict-sentence').textContent()).toBe('Invalid: linearizable found nonlinearizable. stats found nothing wrong.');
    const view = page.locator('svg.lin-view');
    expect(await view.isVisible()).toBe(true);
    expect(await view.locator('g.lin-prefix').count()).toBe(4);
    await view.locator('g.lin-failed').hover();
    expect(await page.locator('.tooltip').textContent()).toContain('cannot be linearized: it is impossible from every state the prefix can reach (2)');
    await view.locator('g.lin-prefix').nth(2).hover();
    expect(await page.locator('.tooltip').textContent()).toContain('model state after it: 2');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-nonlinearizable.png'), fullPage: true });
    await page.locator('#anomalies').screenshot({ path: join(ARTIFACTS, 'report-nonlinearizable-view.png') });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows a valid run with its charts, availability per fault and a paged timeline', async () => {
    const run = validRun();
    const kill = faultWindows(run.history).find((w) => w.fault === 'kill')!;
    const { page, requests, problems } = await open(run, '20260101T000002.000');
    expect(await page.locator('.verdict-word').textContent()).toBe('VALID');
    expect(await page.locator('#anomalies').count()).toBe(0);
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(await page.locator('table.availability tbody tr td:first-child').allTextContents()).toEqual(['partition', 'kill', 'outside faults']);
    const position = page.locator('.tl-pos');
    expect(await position.textContent()).toMatch(/^page 1 of \d+ · ops 1–100 of /);
    await page.getByRole('button', { name: 'later ▶' }).click();
    await expect.poll(() => position.textContent()).toMatch(/^page 2 of \d+ · ops 101–200 of /);
    expect(await page.locator('#timeline g.op').count()).toBe(100);
    await page.locator('.tl-go input').last().fill(String((kill.start + 50e6) / 1e9));
    await page.locator('.tl-go input').last().press('Enter');
    await expect.poll(() => page.locator('#timeline g.fault text').allTextContents()).toEqual(['kill']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-valid.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('renders hostile values as text and runs none of them, even with the CSP switched off', async () => {
    for (const [k, bypassCSP] of [false, true].entries()) {
      const { page, problems, requests } = await open(hostileRun(), `20260101T00000${3 + k}.000`, { bypassCSP });
      expect(await page.locator('h1').textContent()).toBe(HOSTILE.img);
      expect(await page.locator('.anomaly-type h3').first().textContent()).toContain(HOSTILE.script);
      await expect.poll(() => page.getByText(HOSTILE.script, { exact: true }).first().isVisible()).toBe(true);
      await page.locator('#timeline g.op').first().hover();
      expect(await page.locator('.tooltip').textContent()).toContain(HOSTILE.script);
      await page.locator('#anomalies g.txn').first().hover();
      expect(await page.locator('.tooltip').textContent()).toContain(HOSTILE.img);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(3);
      if (!bypassCSP) await page.screenshot({ path: join(ARTIFACTS, 'report-hostile.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    }
  });

  it('draws a history without times (a Porcupine log) by position: timeline ticks, tooltips and charts', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(`INFO  jepsen.util - ${i % 4}\t:invoke\t:write\t${i}`, `INFO  jepsen.util - ${i % 4}\t:ok\t:write\t${i}`);
    const history = parseHistoryText(`${lines.join('\n')}\n`, 'etcd.log');
    const out = join(store, 'untimed.html');
    await writeReport({ history, results: compose([await linearizableChecker.check(history, {})]), out, title: 'etcd.log', replay: 'faultline check etcd.log --checker linearizable' });
    const page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(out).href);
    await page.waitForFunction(() => window.faultlineReady === true, null, { timeout: 20_000 });
    expect(await page.locator('header .facts').textContent()).toContain('40 operations, no times in the history (drawn by position)');
    const ticks = await page.locator('#timeline svg.timeline text.tick').allTextContents();
    expect(ticks.length).toBeGreaterThan(2);
    expect(ticks.every((t) => /^#\d+$/.test(t))).toBe(true);
    expect(await page.locator('.tl-pos').textContent()).toContain('#0 to #');
    await page.locator('#timeline g.op').nth(2).hover();
    expect(await page.locator('.tooltip').textContent()).toContain('no times in the history · ok 1 entry later');
    expect(await page.locator('#charts').textContent()).toContain('position in the history (it has no times)');
    await page.locator('#timeline').screenshot({ path: join(ARTIFACTS, 'report-untimed-timeline.png') });
    expect(problems).toEqual([]);
  });
});
