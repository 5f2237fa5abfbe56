import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionLog, GID_PREFIX } from './decision-log.ts';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'decisions-')), 'log.jsonl');

describe('DecisionLog', () => {
  it('records the first decision for a gid durably, and keeps it against a later one', () => {
    const path = fresh();
    const log = new DecisionLog(path);
    const gid = log.nextGid();
    expect(gid.startsWith(GID_PREFIX)).toBe(true);
    expect(log.decide(gid, 'commit')).toBe('commit');
    expect(log.decide(gid, 'abort')).toBe('commit');
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
    log.close();
  });

  it('gives a restarted coordinator every decision, and gids it never used before', () => {
    const path = fresh();
    const first = new DecisionLog(path);
    const a = first.nextGid();
    const b = first.nextGid();
    first.decide(a, 'commit');
    first.decide(b, 'abort');
    first.close();
    const restarted = new DecisionLog(path);
    expect(restarted.decision(a)).toBe('commit');
    expect(restarted.decision(b)).toBe('abort');
    expect([a, b]).not.toContain(restarted.nextGid());
    expect(restarted.counts()).toEqual({ commit: 1, abort: 1 });
    restarted.close();
  });

  it('ignores a torn last line (never acted on) but refuses a corrupt line before it', () => {
    const path = fresh();
    writeFileSync(path, '{"gid":"fl-a-1","decision":"commit","at":1}\n{"gid":"fl-a-2","deci');
    const log = new DecisionLog(path);
    expect(log.decision('fl-a-1')).toBe('commit');
    expect(log.decision('fl-a-2')).toBeUndefined();
    log.close();
    appendFileSync(path, '\n{"gid":"fl-a-3","decision":"abort","at":3}\n');
    expect(() => new DecisionLog(path)).toThrow(`${path}:2: not a 2PC decision`);
  });

  it('is one instance per file in a process, so decide-once holds across clients', () => {
    const path = fresh();
    const a = DecisionLog.open(path);
    expect(DecisionLog.open(path)).toBe(a);
    a.begin('g');
    expect(DecisionLog.open(path).isInFlight('g')).toBe(true);
    a.end('g');
    expect(a.isInFlight('g')).toBe(false);
    a.close();
    expect(DecisionLog.open(path)).not.toBe(a);
    DecisionLog.open(path).close();
  });
});
