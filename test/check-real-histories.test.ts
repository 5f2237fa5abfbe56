import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getChecker } from '../checkers/registry.ts';
import { readHistory } from '../harness/importers/read-history.ts';
import { runCli } from './support/cli-in-process.ts';

/**
 * `faultline check` on the published-history shapes (test/fixtures/histories) and on hostile
 * input, end to end: the exit code a CI gate sees. The readers' own tests
 * (harness/importers/*.test.ts) pin down what each file parses to.
 */
const fixture = (name: string) => join(import.meta.dirname, 'fixtures/histories', name);
const dir = mkdtempSync(join(tmpdir(), 'faultline-check-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('check on published shapes that used to be refused', () => {
  it.each([
    ['elle-non-monotone-time.edn', ['--checker', 'list-append'], 0],
    ['elle-no-f-no-process.edn', ['--checker', 'list-append'], 0],
    ['elle-cli-array.json', ['--checker', 'list-append'], 1],
    ['long-fork-no-process.edn', ['--checker', 'long-fork'], 1],
    ['knossos-mutex-one-line.json', ['--checker', 'linearizable', '--model', 'mutex'], 0],
    ['porcupine-hint.log', ['--checker', 'linearizable'], 0],
    ['independent-tuples.edn', ['--checker', 'linearizable'], 0],
  ])('%s %j → exit %i', async (name, args, code) => {
    const r = await runCli(['check', fixture(name), ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(code);
  });
});

describe('check refuses bad input with 254 and one line naming file and line, never 255', () => {
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it.each([
    ['deep.edn', `{:type :invoke, :f :read, :process 0, :value ${'['.repeat(1500)}${']'.repeat(1500)}}`, ':1: EDN: values nested more than 100 levels deep'],
    ['deep.log', `INFO  jepsen.util - 0\t:invoke\t:read\t${'['.repeat(200000)}${']'.repeat(200000)}\n`, ':1: expected an EDN value after :read (values nested more than 100 levels deep)'],
    ['deep.json', `[{"type":"invoke","f":"read","process":0,"value":${'['.repeat(200000)}${']'.repeat(200000)}}]`, ':1: values nested more than 100 levels deep'],
    ['latin1.edn', Buffer.from('{:type :invoke, :f :write, :value "caf\xe9", :process 0}\n', 'latin1'), ':1: byte 0xe9 is not UTF-8 text'],
    ['completions.edn', '{:type :ok, :f :read, :value 1, :process 0, :time 0}\n', ': every op is a completion'],
  ])('%s', async (name, content, message) => {
    const path = write(name, content);
    const r = await runCli(['check', path]);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain(`${path}${message}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a completion-only history read with completionOnly (what --completion-only will give)', () => {
  it('gets a verdict: the aborted read it plants is found', async () => {
    const { ops } = await readHistory(fixture('completion-only.edn'), { completionOnly: true });
    const r = await getChecker('list-append')!.check(ops, { consistencyModel: 'read-committed' });
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['G1a']);
  });
});
