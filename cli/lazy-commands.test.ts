import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDir } from '../test/support/test-dir.ts';

// What a command loads decides how long `faultline --help` or a CI step's `faultline check`
// takes to start (bench/startup.ts measures it). The modules each loads, from the sources.
const repo = join(import.meta.dirname, '..');
const dir = testDir('faultline-lazy-');

async function loaded(...argv: string[]): Promise<{ project: string[]; packages: string[]; stdout: string }> {
  const log = join(dir, `${argv[0]}.log`);
  const env = { ...process.env, IMPORT_LOG: log, FAULTLINE_FROM_SOURCE: '1' };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(repo, 'test/support/import-log.mjs'), join(repo, 'bin/faultline.js'), ...argv], { cwd: repo, env }).catch((e: { stdout: string }) => e);
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const project = urls.filter((u) => u.startsWith('file://') && !u.includes('/node_modules/')).map((u) => decodeURIComponent(u.slice(`file://${repo}/`.length)));
  const packages = [...new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => p !== undefined))];
  return { project, packages, stdout };
}

// (esbuild is not among them: tsx itself loads it to run the sources; reports/ is what would.)
const HEAVY = ['dockerode', 'graphology', 'xmlbuilder2', 'etcd3', 'pg', 'mysql2', 'd3-scale'];

describe('commands load only what they run', () => {
  it('--help loads no command module, no checker, no Docker or report code', async () => {
    const r = await loaded('--help');
    expect(r.stdout).toContain('faultline check <files..>');
    expect(r.project).toContain('cli/main.ts');
    expect(r.project.filter((f) => /^(cli\/commands\/(?!index)|checkers\/|docker\/|reports\/|workloads\/|nemesis\/)/.test(f))).toEqual([]);
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('check of a history file loads the checkers, but not Docker, the report, JUnit or the workloads', async () => {
    const file = join(dir, 'h.jsonl');
    const ops = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1 },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'write', value: 1 },
    ];
    await writeFile(file, ops.map((o) => JSON.stringify(o)).join('\n'));
    const r = await loaded('check', file, '--checker', 'linearizable');
    expect(r.stdout).toContain('valid (linearizable against cas-register');
    expect(r.project).toContain('cli/commands/check.ts');
    expect(r.project).toContain('checkers/registry.ts');
    expect(r.project.filter((f) => /^(docker\/|reports\/|workloads\/|nemesis\/|cli\/run\/|cli\/gate\/junit\.ts)/.test(f))).toEqual([]);
    expect(r.packages.filter((p) => ['dockerode', 'xmlbuilder2', 'etcd3', 'pg', 'mysql2', 'd3-scale'].includes(p))).toEqual([]);
  });
});
