import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli-in-process.ts';
import { testDir } from '../../test/support/test-dir.ts';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'test/fixtures/histories');
const dir = testDir('faultline-check-');

const jsonl = (ops: object[]) => ops.map((o) => JSON.stringify(o)).join('\n') + '\n';
// A write of 1 completes, then a read returns 2: not linearizable.
const nonLinearizable = jsonl([
  { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1 },
  { index: 1, time: 1, type: 'ok', process: 0, f: 'write', value: 1 },
  { index: 2, time: 2, type: 'invoke', process: 1, f: 'read', value: null },
  { index: 3, time: 3, type: 'ok', process: 1, f: 'read', value: 2 },
]);
// A write of 1, then a read of 1 (a read, so the pass is not vacuous).
const linearizable = jsonl([
  { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1 },
  { index: 1, time: 1, type: 'ok', process: 0, f: 'write', value: 1 },
  { index: 2, time: 2, type: 'invoke', process: 1, f: 'read', value: null },
  { index: 3, time: 3, type: 'ok', process: 1, f: 'read', value: 1 },
]);

// 14 overlapping writes, then a read of a value none wrote: every order must be tried.
const hard = (() => {
  const n = 14;
  const ops: object[] = [];
  for (let p = 0; p < n; p++) ops.push({ type: 'invoke', process: p, f: 'write', value: p });
  for (let p = 0; p < n; p++) ops.push({ type: 'ok', process: p, f: 'write', value: p });
  ops.push({ type: 'invoke', process: n, f: 'read', value: null }, { type: 'ok', process: n, f: 'read', value: 99 });
  return jsonl(ops.map((o, i) => ({ index: i, time: i, ...o })));
})();

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The real binary with `input` on standard input (a pipe, as in `cat h.edn | faultline check -`). */
async function withStdin(input: string, ...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repo, 'bin/faultline.js'), ...argv], { cwd: repo, env: { ...process.env, FAULTLINE_FROM_SOURCE: '1', NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('check refuses what it does not know', () => {
  it('a mistyped flag is 254 with the flag it meant, not a pass by the default checker', async () => {
    const h = await file('nonlin.jsonl', nonLinearizable);
    const r = await runCli(['check', h, '--chekcer', 'linearizable']);
    expect(r.code).toBe(254);
    expect(r.stderr).toBe('faultline: check: unknown flag --chekcer; did you mean --checker? (see faultline check --help)\n');
    expect(r.stdout).toBe('');
    expect((await runCli(['check', h, '--checker', 'linearizable'])).code).toBe(1);
  });

  it('an option no checker reads is refused; a checker option is a declared flag', async () => {
    const h = await file('lin.jsonl', linearizable);
    const r = await runCli(['check', h, '--checker', 'linearizable', '--consistency', 'serializable']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('unknown flag --consistency; did you mean --consistency-model?');
  });

  it.each([
    [['--time-limit', 'abc'], '--time-limit must be a number of seconds (or 500ms, 90s, 2m, 1h) > 0 (got "abc")'],
    [['--time-limit', ''], '--time-limit needs a value'],
    [['--time-limit', '-5'], '--time-limit must be a number of seconds (or 500ms, 90s, 2m, 1h) > 0 (got "-5")'],
    [['--time-limit', '0'], '--time-limit must be a number of seconds (or 500ms, 90s, 2m, 1h) > 0 (got "0")'],
    [['--time-limit'], '--time-limit needs a value'],
    [['--time-limit', '--json'], '--time-limit needs a value'],
    [['--group-size', '1.5'], '--group-size must be an integer >= 0 (got "1.5")'],
    [['--max-memory-bytes', 'lots'], '--max-memory-bytes must be an integer > 0 (got "lots")'],
    [['--checker'], '--checker needs a value'],
    [['--model='], '--model needs a value'],
  ])('%j is 254: %s', async (argv, message) => {
    const h = await file('lin.jsonl', linearizable);
    const r = await runCli(['check', h, '--checker', 'linearizable', ...argv]);
    expect(r.code).toBe(254);
    expect(r.stderr.split('\n')[0]).toBe(`faultline: ${message}`);
  });

  it('a time limit may be written with a unit', async () => {
    const h = await file('hard.jsonl', hard);
    const short = await runCli(['check', h, '--checker', 'linearizable', '--time-limit', '0.01ms', '--json']);
    expect(short.code).toBe(2);
    expect(JSON.parse(short.stdout).error).toMatch(/^the time limit of 0\.01 ms ran out/);
    const long = await runCli(['check', h, '--checker', 'linearizable', '--time-limit', '2m', '--json']);
    expect(long.code).toBe(1);
  });
});

describe('boolean checker options read false as false', () => {
  it.each([
    [['--per-key', 'false'], false],
    [['--per-key=false'], false],
    [['--no-per-key'], false],
    [['--per-key'], true],
    [['--per-key', 'true'], true],
    [[], true],
  ])('%j → perKey %s', async (argv, perKey) => {
    const h = await file('lin.jsonl', linearizable);
    const r = await runCli(['check', h, '--checker', 'linearizable', '--json', ...argv]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).details.perKey).toBe(perKey);
  });
});

describe('several files, one malformed', () => {
  it('each file gets its result; the refused one names its file and line; JSON and JUnit hold all; exit is the worst', async () => {
    const bad = await file('bad.edn', '{:type :invoke, :f :read, :process 0}\n{:type :ok :f :read, :process 0\n');
    const invalid = await file('nonlin.jsonl', nonLinearizable);
    const valid = await file('lin.jsonl', linearizable);
    const junit = join(dir, 'several.xml');
    const r = await runCli(['check', valid, bad, invalid, '--checker', 'linearizable', '--json', '--junit', junit]);
    const error = `${bad}:2: EDN: expected "}" to close the map, got the end of the input`;
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { file: string; valid: unknown; error?: string; line?: number }[];
    expect(out.map((o) => [o.file, o.valid])).toEqual([
      [valid, true],
      [bad, 'refused'],
      [invalid, false],
    ]);
    expect(out[1]).toEqual({ file: bad, valid: 'refused', error, line: 2 });
    expect(r.stderr).toContain(`faultline: ${error}\n`);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testsuites name="faultline" tests="3" failures="1" errors="1"');
    expect(xml).toContain(`<testsuite name="${bad}"`);
    expect(xml).toContain(`<error message="refused: ${error.replace(/"/g, '&quot;')}" type="refused">`);
  });

  it.each([
    ['valid and refused', 254, ['lin.jsonl', 'bad.edn'], []],
    ['refused and unknown (past the time limit)', 254, ['bad.edn', 'hard.jsonl'], ['--time-limit', '0.01ms']],
    ['unknown (past the time limit) and missing', 254, ['hard.jsonl', 'missing.edn'], ['--time-limit', '0.01ms']],
    ['missing and invalid', 1, ['missing.edn', 'nonlin.jsonl'], []],
    ['valid and invalid', 1, ['lin.jsonl', 'nonlin.jsonl'], []],
  ])('%s: exit %i', async (_, code, names, flags) => {
    await file('lin.jsonl', linearizable);
    await file('nonlin.jsonl', nonLinearizable);
    await file('hard.jsonl', hard);
    await file('bad.edn', '{:type :invoke, :f :read, :process 0}\n{:type :ok :f :read, :process 0\n');
    const r = await runCli(['check', ...names.map((n) => join(dir, n)), '--checker', 'linearizable', ...flags]);
    expect(r.code).toBe(code);
  });
});

describe('check - reads standard input', () => {
  it('gives the verdict a file with the same text gets, named stdin', async () => {
    const r = await withStdin(nonLinearizable, 'check', '-', '--checker', 'linearizable');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^stdin: INVALID \(linearizable against cas-register, 4 ops, 1 key/);
    const edn = await withStdin('{:type :invoke, :f :read, :process 0}\n{:type :ok :f :read, :process 0\n', 'check', '-', '--json');
    expect(edn.code).toBe(254);
    expect(edn.stderr).toBe('faultline: stdin:2: EDN: expected "}" to close the map, got the end of the input\n');
    expect(JSON.parse(edn.stdout)).toEqual({ file: '-', valid: 'refused', error: 'stdin:2: EDN: expected "}" to close the map, got the end of the input', line: 2 });
  });

  it('an empty standard input is read as an empty file is', async () => {
    const empty = await file('empty.jsonl', '');
    const fromFile = await runCli(['check', empty, '--checker', 'linearizable', '--json']);
    const fromStdin = await withStdin('', 'check', '-', '--checker', 'linearizable', '--json');
    expect(fromStdin.code).toBe(fromFile.code);
    const strip = (s: string) => {
      const { file: _, stats: __, ...rest } = JSON.parse(s) as Record<string, unknown>;
      return rest;
    };
    expect(strip(fromStdin.stdout)).toEqual(strip(fromFile.stdout));
  });

  it('is read once', async () => {
    const r = await runCli(['check', '-', '-']);
    expect(r.code).toBe(254);
    expect(r.stderr).toBe('faultline: standard input (-) can be read once; it was named 2 times\n');
  });
});

describe('--completion-only', () => {
  const fixture = join(fixtures, 'completion-only.edn');

  it('without it, a file of completions only is refused with the hint', async () => {
    const r = await runCli(['check', fixture, '--checker', 'list-append']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('read it with --completion-only');
  });

  it('reads each completion as invoked right before it, and the aborted read is found', async () => {
    const r = await runCli(['check', fixture, '--checker', 'list-append', '--completion-only', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ops: number; anomalyTypes: string[] };
    expect(out.ops).toBe(8);
    expect(out.anomalyTypes).toContain('G1a');
    expect(r.stderr).toContain('note: completion-only: an invocation was placed right before each of the 4 completions');
  });
});

describe('outputs and the replay line', () => {
  it('the JUnit replay line carries every flag that decided the verdict', async () => {
    const fixture = join(fixtures, 'completion-only.edn');
    const junit = join(dir, 'replay.xml');
    const r = await runCli(['check', fixture, '--checker', 'list-append', '--completion-only', '--consistency-model', 'serializable', '--time-limit', '90s', '--junit', junit]);
    expect(r.code).toBe(1);
    const line = `faultline check ${fixture} --checker list-append --completion-only --consistency-model serializable --time-limit 90`;
    expect(await readFile(junit, 'utf8')).toContain(`<system-out>replay: ${line}</system-out>`);
    const again = await runCli(line.split(' ').slice(1).concat('--json'));
    expect(again.code).toBe(1);
  });

  it.each(['--report', '--junit'])('%s onto the input is refused before checking, and the history is untouched', async (flag) => {
    const h = await file('kept.jsonl', nonLinearizable);
    const r = await runCli(['check', h, '--checker', 'linearizable', flag, h]);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(new RegExp(`^faultline: ${h}: cannot write the (report|JUnit file): it is the input ${h}; writing there would replace it\\n$`));
    expect(r.stdout).toBe('');
    expect(await readFile(h, 'utf8')).toBe(nonLinearizable);
  });
});
