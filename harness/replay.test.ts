import { describe, expect, it } from 'vitest';
import { validRun } from '../test/support/report-runs.ts';
import { checkReplayCommand, replayCommand, shellWord } from './replay.ts';

describe('replay commands', () => {
  it('rebuild the run line from test.json, seed last', () => {
    expect(replayCommand(validRun().test)).toBe('npx faultline run --db etcd --workload list-append --nodes 3 --concurrency 4 --rate 200 --time-limit 6 --nemesis partition,kill --nemesis-interval 2 --recovery 1 --option keyCount=5 --seed 1234');
    expect(replayCommand({ ...validRun().test, options: { readConsistency: 'serializable', tag: 'true' } })).toContain('--option readConsistency=serializable --option \'tag="true"\' --seed');
    expect(replayCommand({ ...validRun().test, nemesis: [] })).not.toContain('--nemesis');
  });

  it('name the test file instead of the database and workload for a test file\'s run', () => {
    const line = replayCommand({ ...validRun().test, testFile: 'tests/own store.ts' });
    expect(line).toMatch(/^npx faultline run --test 'tests\/own store.ts' --nodes 3 /);
    expect(line).not.toMatch(/--db|--workload/);
  });

  it('quote what the shell would split or expand', () => {
    expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(checkReplayCommand('runs/a b.jsonl', 'stats')).toBe("faultline check 'runs/a b.jsonl' --checker stats");
  });
});
