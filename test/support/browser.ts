import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (package `chromium`); playwright's own browser downloads cannot work here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Installs Debian's `chromium` when it is missing, so browser tests pass on a fresh machine.
 * Needs root and the Debian mirror; otherwise it throws saying exactly what to run.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const hint = `the browser tests need Debian's chromium at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` as root`;
  if (process.getuid?.() !== 0) throw new Error(`${hint} (not root, so faultline cannot install it itself)`);
  process.stderr.write('faultline tests: installing Debian chromium for the browser tests (apt-get, about a minute)…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core']]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${hint}; \`apt-get ${args.join(' ')}\` failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim().slice(-500)}`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${hint}; apt-get finished but ${CHROMIUM_PATH} is still missing`);
}

/** A headless Chromium; playwright gives every launch a fresh temporary profile (--user-data-dir). */
export interface StartedBrowser extends AsyncDisposable {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with the flags this machine needs: without the background-networking
 * flags Chromium keeps dialling Google's hosts, which the closed network refuses (and which would
 * show up in a test that asserts the page makes no request).
 */
export async function launchChromium(): Promise<StartedBrowser> {
  ensureChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
  };
  return { browser, close, [Symbol.asyncDispose]: close };
}
