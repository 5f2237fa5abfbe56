import { spawn, spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { checkSafe } from '../../checkers/check-safe.ts';
import { statsChecker } from '../../checkers/stats.ts';
import { wellFormedChecker } from '../../checkers/well-formed.ts';
import { readHistoryFile } from '../importers/read-history.ts';
import { testDir } from '../../test/support/test-dir.ts';

const repo = join(import.meta.dirname, '..', '..');
const root = testDir('faultline-kill-');

describe('a controller killed with SIGKILL mid-run', () => {
  it('leaves a history prefix that parses and checks', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'test/support/kill-target.ts'), root], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(chunk.toString()).toContain('running');
    const file = join(root, 'latest', 'history.jsonl');
    // Let it write for a while: several flushes, thousands of ops.
    for (let i = 0; i < 100 && (await stat(file).catch(() => ({ size: 0 }))).size < 300_000; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    expect(code).toBeNull();

    const history = await readHistoryFile(file);
    expect(history.length).toBeGreaterThan(1000);
    for (const checker of [wellFormedChecker, statsChecker]) expect((await checkSafe(checker, history)).valid).toBe(true);
    // The run never got to write its results.
    await expect(stat(join(root, 'latest', 'results.json'))).rejects.toThrow();
    expect(await readFile(join(root, 'latest', 'faultline.log'), 'utf8')).toMatch(/running the workload/);

    // And the CLI agrees: `faultline check` on the prefix exits 0.
    const check = spawnSync(process.execPath, [join(repo, 'bin/faultline.js'), 'check', file, '--checker', 'stats'], { cwd: repo, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  }, 60_000);
});
