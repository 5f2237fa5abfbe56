import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { linearizableChecker } from '../checkers/linearizable/linearizable-checker.ts';
import type { Op } from '../harness/history/op.ts';
import { passThroughValue } from './pass-through-flag.ts';

/** How `check` reads a flag it hands on to the checker: undeclared, so yargs guesses its type. */
function handedOn(argv: string[], key: string): unknown {
  const args = yargs(argv).parseSync() as Record<string, unknown>;
  return passThroughValue(args[key]);
}

describe('pass-through flag values', () => {
  it.each([
    [['--per-key', 'false'], false],
    [['--per-key=false'], false],
    [['--no-per-key'], false],
    [['--per-key'], true],
    [['--per-key', 'true'], true],
    [['--per-key=true'], true],
  ])('%j is %s', (argv, want) => {
    expect(handedOn(argv, 'perKey')).toBe(want);
  });

  it('leaves other values as yargs read them', () => {
    expect(handedOn(['--model', 'register'], 'model')).toBe('register');
    expect(handedOn(['--group-size', '4'], 'groupSize')).toBe(4);
    expect(handedOn(['--accounts', 'a,b'], 'accounts')).toBe('a,b');
  });

  it('--per-key false reaches the linearizable checker as off', async () => {
    const history: Op[] = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1, key: 'a' },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'write', value: 1, key: 'a' },
    ];
    const raw = (yargs(['--per-key', 'false']).parseSync() as Record<string, unknown>).perKey;
    const before = await linearizableChecker.check(history, { perKey: raw });
    const after = await linearizableChecker.check(history, { perKey: passThroughValue(raw) });
    expect(before.details?.perKey).toBe('false');
    expect(after.details?.perKey).toBe(false);
  });
});
