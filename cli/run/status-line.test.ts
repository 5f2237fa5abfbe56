import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { RunProgress } from './progress.ts';
import { statusOutput } from './status-line.ts';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  columns = 100;
  rows = 30;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// Cursor movement and erasing (CSI sequences), as log-update writes them.
const CSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

describe('statusOutput', () => {
  it('without a terminal: ordinary lines as they come, the status as a plain line every few seconds', async () => {
    const out = new Capture(false);
    const s = statusOutput(out, { everyMs: 30 });
    expect(s.live).toBe(false);
    s.print('starting');
    let n = 0;
    s.start(() => `status ${++n}`);
    await until(() => n >= 2);
    s.stop();
    const after = out.text;
    await sleep(60);
    expect(out.text).toBe(after);
    expect(out.text).not.toMatch(CSI);
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('starting');
    expect(lines.slice(1).length).toBeGreaterThanOrEqual(2);
    lines.slice(1).forEach((l, i) => expect(l).toBe(`  status ${i + 1}`));
  });

  it('on a terminal: one status line redrawn in place, ordinary lines above it intact, erased at the end', async () => {
    const out = new Capture(true);
    const s = statusOutput(out, { redrawMs: 10 });
    expect(s.live).toBe(true);
    let n = 0;
    s.start(() => `status ${++n}`);
    await until(() => n >= 3);
    s.print('a line in between');
    await until(() => n >= 6);
    s.stop();
    expect(out.text).toMatch(CSI);
    expect(n).toBeGreaterThan(3);
    // The printed line arrives whole on its own line, never mixed into a status.
    expect(out.text).toContain('a line in between\n');
    // Erasing the last status leaves only the printed line on screen.
    const screen = simulate(out.text);
    expect(screen).toEqual(['a line in between']);
  });

  it('honours TERM=dumb: plain lines even on a terminal', () => {
    const old = process.env.TERM;
    process.env.TERM = 'dumb';
    try {
      expect(statusOutput(new Capture(true)).live).toBe(false);
    } finally {
      if (old === undefined) delete process.env.TERM;
      else process.env.TERM = old;
    }
  });
});

describe('RunProgress', () => {
  it('counts outcomes, the rate and the faults in effect; says what the run does outside the workload', () => {
    let now = 0;
    const p = new RunProgress(60, () => now);
    expect(p.status()).toBeUndefined();
    p.onPhase('cluster');
    expect(p.status()).toBe('starting the cluster…');
    expect(p.status(true)).toBeUndefined();
    p.onPhase('workload');
    p.status();
    const op = (process: Op['process'], type: Op['type'], f = 'read'): Op => ({ index: 0, time: 0, type, process, f, value: null });
    for (let i = 0; i < 300; i++) p.onOp(op(i % 3, 'invoke'));
    for (let i = 0; i < 200; i++) p.onOp(op(0, 'ok'));
    p.onOp(op(0, 'fail'));
    p.onOp(op(0, 'info'));
    p.onOp(op('nemesis', 'info', 'start-partition'));
    p.onOp(op('nemesis', 'info', 'start-partition'));
    now = 2_000;
    expect(p.status()).toBe('2 s / 60 s · 150 ops/s · ok 200 fail 1 info 1 · faults: partition');
  });
});

/** Waits for a timer-driven condition (a loaded machine delays timers; a fixed sleep would flake). */
async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** Replays cursor-up / erase-line sequences to get the lines left on screen. */
function simulate(text: string): string[] {
  const lines: string[] = [''];
  let i = 0;
  while (i < text.length) {
    const m = /^\u001B\[([0-9;?]*)([A-Za-z])/.exec(text.slice(i));
    if (m) {
      const [all, arg, cmd] = m;
      if (cmd === 'A') for (let k = 0; k < Number(arg || 1); k++) if (lines.length > 1) lines.pop();
      if (cmd === 'K' || cmd === 'J') lines[lines.length - 1] = '';
      i += all.length;
      continue;
    }
    const ch = text[i++]!;
    if (ch === '\n') lines.push('');
    else if (ch === '\r') lines[lines.length - 1] = '';
    else lines[lines.length - 1] += ch;
  }
  return lines.filter((l) => l !== '');
}
