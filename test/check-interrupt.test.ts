import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateRegister } from '../checkers/linearizable/simulate-register.ts';
import { concatKeyed, denseRegisterHistory } from './support/dense-register.ts';

const repo = join(import.meta.dirname, '..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-interrupt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Waits long enough for the CLI to start (tsx, parsing) and be deep in the search. */
const SEARCHING_AFTER_MS = 6000;

describe('faultline check, interrupted with Ctrl-C during a long linearizability search', () => {
  it('exits within a second, exit code 2, printing what it decided', async () => {
    // Two easy keys and one that takes the search well over a minute: 10,000 ops with 50
    // clients in flight and a stale read near the end.
    const history = concatKeyed([
      { key: 'a', history: simulateRegister({ ops: 200, processes: 4, values: 3, seed: 1 }) },
      { key: 'b', history: simulateRegister({ ops: 200, processes: 4, values: 3, seed: 2 }) },
      { key: 'hard', history: denseRegisterHistory({ ops: 10_000, processes: 50, values: 5, seed: 7, staleReadAt: 0.8 }) },
    ]);
    const file = join(dir, 'hard.jsonl');
    await writeFile(file, history.map((op) => JSON.stringify(op)).join('\n') + '\n');
    const child = spawn(process.execPath, [join(repo, 'bin/faultline.js'), 'check', file, '--checker', 'linearizable', '--model', 'cas-register'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    await new Promise((r) => setTimeout(r, SEARCHING_AFTER_MS));
    expect(child.exitCode).toBeNull();
    const signalledAt = performance.now();
    child.kill('SIGINT');
    const [code] = await exited;
    const tookMs = performance.now() - signalledAt;
    expect(tookMs).toBeLessThan(1000);
    expect(code).toBe(2);
    expect(stderr).toContain('interrupted: reporting what was decided so far');
    expect(stdout).toContain(`${file}: unknown (linearizable against cas-register, ${history.length} ops, 3 keys`);
    expect(stdout).toContain('  the check was interrupted before deciding 1 key ("hard"); 2 of 3 keys were decided\n');
  }, 30_000);
});
