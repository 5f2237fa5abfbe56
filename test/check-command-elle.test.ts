import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkerNames } from '../checkers/registry.ts';
import { opToJsonLine } from '../harness/history/jsonl.ts';
import type { Op } from '../harness/history/op.ts';
import { HistoryBuilder, writeSkewHistory } from './support/history-builder.ts';
import { runCli } from './support/cli-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-elle-'));

function file(name: string, ops: Op[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${ops.map(opToJsonLine).join('\n')}\n`);
  return path;
}

const run = (...args: string[]) => runCli(args);

const writeSkew = writeSkewHistory();

describe('faultline check --checker list-append', () => {
  it('judges write skew against the requested consistency model, with JSON on stdout', async () => {
    const path = file('write-skew.jsonl', writeSkew);
    const si = await run('check', path, '--checker', 'list-append', '--consistency-model', 'snapshot-isolation', '--json');
    expect(si.code).toBe(0);
    const siResult = JSON.parse(si.stdout);
    expect(siResult).toMatchObject({ valid: true, anomalyTypes: [], anomalies: [], notModels: ['repeatable-read', 'serializable', 'strong-session-serializable', 'strict-serializable'] });
    expect(siResult.stats.checkMs).toBeGreaterThan(0);

    const ser = await run('check', path, '--checker', 'list-append', '--consistency-model', 'serializable', '--json');
    expect(ser.code).toBe(1);
    const serResult = JSON.parse(ser.stdout);
    expect(serResult.valid).toBe(false);
    expect(serResult.anomalyTypes).toEqual(['G2-item', 'write-skew']);
    expect(serResult.anomalies[0].explanation.kind).toBe('cycle');
    expect(ser.stderr).toContain('write-skew: Let T1 = ');
  });

  it('defaults to strict-serializable and exits 2 on an empty dependency graph', async () => {
    const path = file('no-deps.jsonl', new HistoryBuilder().txn(0, [['append', 'x', 1]]).build());
    const r = await run('check', path, '--checker', 'list-append');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('unknown (list-append');
    expect(r.stdout).toContain('no ww, wr or rw dependency');
  });

  it('exits 254 for an unknown consistency model or a history of the wrong shape', async () => {
    const path = file('ws.jsonl', writeSkew);
    const bad = await run('check', path, '--checker', 'list-append', '--consistency-model', 'serialisable');
    expect(bad.code).toBe(254);
    expect(bad.stderr).toContain('unknown consistency model "serialisable"');
    const counter = file('counter.jsonl', new HistoryBuilder().op(0, 'add', 1).op(1, 'read', null, 'ok', 1).build());
    const wrong = await run('check', counter, '--checker', 'rw-register');
    expect(wrong.code).toBe(254);
    expect(wrong.stderr).toMatch(/op \d \(\w+ add\) does not fit the rw-register checker/);
  });

  it('passes checker options through: bank totals, set-full linearizable, rw-register version sources', async () => {
    const bank = file('bank.jsonl', new HistoryBuilder().op(0, 'read', null, 'ok', { 0: 10, 1: 10 }).build());
    expect((await run('check', bank, '--checker', 'bank', '--total-amount', '20')).code).toBe(0);
    expect((await run('check', bank, '--checker', 'bank', '--total-amount', '30')).code).toBe(1);
    const stale = file('stale.jsonl', new HistoryBuilder().op(0, 'add', 1).wait(5).op(1, 'read', null, 'ok', []).op(1, 'read', null, 'ok', [1]).build());
    expect((await run('check', stale, '--checker', 'set-full')).code).toBe(0);
    expect((await run('check', stale, '--checker', 'set-full', '--linearizable')).code).toBe(1);
    const reg = file('reg.jsonl', new HistoryBuilder().txn(0, [['w', 'x', 1]]).txn(1, [['w', 'x', 2]]).txn(2, [['r', 'x', 1]]).build());
    expect((await run('check', reg, '--checker', 'rw-register')).code).toBe(0);
    const lin = await run('check', reg, '--checker', 'rw-register', '--linearizable-keys', '--json');
    expect(lin.code).toBe(1);
    expect(JSON.parse(lin.stdout).anomalyTypes).toEqual(['cyclic-versions']);
  });

  it('registers every checker by name, so --help lists them', () => {
    expect(checkerNames()).toEqual(expect.arrayContaining(['list-append', 'rw-register', 'counter', 'set', 'set-full', 'bank', 'long-fork', 'unique-ids', 'total-queue']));
  });
});
