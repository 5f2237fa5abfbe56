import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { corpusMissing, corpusPath, needsCorpus } from '../../test/support/corpus.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const porcupine = corpusPath('porcupine');
const etcd = (n: string) => join(porcupine, 'jepsen', `etcd_${n}.log`);
const kv = (n: string) => join(porcupine, 'kv', n);

async function faultline(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [join(root, 'bin/faultline.js'), ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.skipIf(corpusMissing)(needsCorpus('faultline check --checker linearizable'), () => {
  it('exits 0 for a valid history and prints one JSON object for one file', async () => {
    const r = await faultline('check', etcd('002'), '--checker', 'linearizable', '--model', 'cas-register', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: etcd('002'), valid: true, model: 'cas-register', keys: 1, anomalies: [], checker: 'linearizable' });
    expect(out.ops).toBe(154);
    expect(typeof out.stats.checkMs).toBe('number');
  });

  it('checks several files, prints an array in argument order, and exits with the worst verdict', async () => {
    const r = await faultline('check', etcd('002'), etcd('000'), etcd('095'), '--checker', 'linearizable', '--model', 'cas-register', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { file: string; valid: unknown; anomalies: { type: string; text: string }[] }[];
    expect(out.map((o) => [o.file, o.valid])).toEqual([
      [etcd('002'), true],
      [etcd('000'), false],
      [etcd('095'), true],
    ]);
    expect(out[1]!.anomalies[0]!.type).toBe('nonlinearizable');
    // Human lines go to stderr when --json owns stdout.
    expect(r.stderr).toContain('INVALID');
  });

  it('an empty history is valid, as Porcupine says, and says it was vacuous; as a gate (--junit) it is unknown, exit 2; exits 2 past the time limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-check-'));
    expect((await faultline('check', etcd('095'), '--checker', 'linearizable')).code).toBe(0);
    const empty = await faultline('check', etcd('095'), '--checker', 'linearizable', '--junit', join(dir, 'j.xml'));
    expect(empty.code).toBe(2);
    expect(empty.stdout).toContain('vacuous: the history has no client operations');
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toContain('type="vacuous"');
    const r = await faultline('check', kv('c50-ok.txt'), '--checker', 'linearizable', '--model', 'kv', '--time-limit', '0.005', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatch(/^the time limit of 5 ms ran out before deciding/);
  });

  it('prints the explanation for a person without --json', async () => {
    const r = await faultline('check', kv('c01-bad.txt'), '--checker', 'linearizable', '--model', 'kv');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('c01-bad.txt: INVALID (linearizable against kv, 76 ops, 8 keys');
    expect(r.stdout).toContain('nonlinearizable: get → "x 0 0 y" by process 0 (ops 58–59) on key "7" cannot be linearized.');
  });

  it('exits 254 with the file and line for malformed input, an unknown model or format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-check-'));
    const bad = join(dir, 'bad.edn');
    writeFileSync(bad, '{:type :invoke, :f :read, :process 0}\n{:type :ok :f :read, :process 0\n');
    const r = await faultline('check', bad, '--checker', 'linearizable');
    expect(r.code).toBe(254);
    expect(r.stderr).toBe(`faultline: ${bad}:2: EDN: expected "}" to close the map, got the end of the input\n`);
    const model = await faultline('check', etcd('000'), '--checker', 'linearizable', '--model', 'queue');
    expect(model.code).toBe(254);
    expect(model.stderr).toContain('unknown model "queue"; expected one of cas-register, fifo-queue, kv, mutex, register, set');
    const format = await faultline('check', etcd('000'), '--checker', 'linearizable', '--format', 'jepsen-edn');
    expect(format.code).toBe(254);
    expect(format.stderr).toContain('etcd_000.log:1: expected an op map, got "INFO"');
  });
});
