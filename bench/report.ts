/**
 * `npm run bench:report [-- --ops N]`: writes the report of an N-op history (default 1,000,000
 * history lines) and prints its size, the time to write it, and how long headless Chromium takes
 * to make it interactive (navigation start → the page's `faultlineReady`) and to turn a
 * timeline page. Goals (issue #7): under 20 MB, interactive in under 3 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatBytes } from '../reports/run-files.ts';
import { writeReport } from '../reports/write-report.ts';
import { launchChromium } from '../test/support/browser.ts';
import { largeRun } from '../test/support/report-runs.ts';

const opsArg = process.argv.indexOf('--ops');
const historyOps = opsArg > 0 ? Number(process.argv[opsArg + 1]) : 1_000_000;
const loads = 3;

const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-report-'));
try {
  let t = performance.now();
  const run = largeRun(historyOps);
  const genMs = performance.now() - t;
  t = performance.now();
  const { file, bytes } = await writeReport({ ...run, out: join(dir, 'report.html') });
  const writeMs = performance.now() - t;
  const browser = await launchChromium();
  const interactive: number[] = [];
  const pageTurn: number[] = [];
  const jump: number[] = [];
  const parsed: number[] = [];
  try {
    for (let i = 0; i < loads; i++) {
      const page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.faultlineReady === true, null, { timeout: 60_000 });
      interactive.push(await page.evaluate(() => performance.now()));
      parsed.push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domInteractive));
      // Time from a click until the timeline shows the new page (the last page needs a new chunk).
      const turn = (label: string) =>
        page.evaluate(async (prefix) => {
          const position = document.querySelector('.tl-pos')!;
          const before = position.textContent;
          const start = performance.now();
          [...document.querySelectorAll<HTMLButtonElement>('.tl-controls button')].find((b) => b.textContent?.startsWith(prefix))!.click();
          while (position.textContent === before) {
            if (performance.now() - start > 10_000) throw new Error(`the timeline did not turn its page (${prefix})`);
            await new Promise((r) => setTimeout(r, 1));
          }
          return performance.now() - start;
        }, label);
      pageTurn.push(await turn('later'));
      jump.push(await turn('last'));
      if (errors.length > 0) throw new Error(`the page logged errors: ${errors.join('; ')}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const clientOps = run.history.filter((op) => op.type === 'invoke' && op.process !== 'nemesis').length;
  console.log(`history: ${historyOps.toLocaleString('en-US')} lines (${clientOps.toLocaleString('en-US')} client operations), generated in ${(genMs / 1000).toFixed(1)} s`);
  console.log(`report: ${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes; goal < 20 MB), written in ${(writeMs / 1000).toFixed(2)} s`);
  console.log(`load to interactive in headless Chromium: median ${median(interactive).toFixed(0)} ms of ${loads} loads (${interactive.map((v) => v.toFixed(0)).join(', ')} ms; goal < 3000 ms); HTML parsed at ${median(parsed).toFixed(0)} ms`);
  console.log(`timeline: next page ${median(pageTurn).toFixed(1)} ms, jump to the last page ${median(jump).toFixed(1)} ms (median)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
