import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { checkReplayCommand } from '../../harness/replay.ts';
import { checkCommand } from '../commands/check.ts';
import { passThroughValue } from '../pass-through-flag.ts';

/** Splits a line as a POSIX shell would, for the quoting `shellWord` produces (bare words and '…'). */
function shellSplit(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)|(\s+)/g;
  let word: string | undefined;
  for (const m of line.matchAll(re)) {
    if (m[3] !== undefined) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Parses a `faultline check …` line with check's own flag declarations, without running it. */
async function parseCheckLine(line: string): Promise<Record<string, unknown>> {
  const words = shellSplit(line);
  expect(words.slice(0, 2)).toEqual(['faultline', 'check']);
  let parsed: Record<string, unknown> | undefined;
  const command = checkCommand(() => {});
  await yargs(words.slice(1))
    .command({ ...command, handler: (args) => void (parsed = args as Record<string, unknown>) })
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync();
  return parsed!;
}

describe('the replay line of check (report and JUnit)', () => {
  it('carries every option that changes the verdict, and reads back to the same options', async () => {
    const options = { model: 'register', consistencyModel: 'snapshot-isolation', perKey: false, timeLimitMs: 2500, groupSize: 4, linearizable: true };
    const line = checkReplayCommand("runs/it's a b.edn", 'linearizable', { format: 'jepsen-edn', options });
    const args = await parseCheckLine(line);
    expect(args.files).toEqual(["runs/it's a b.edn"]);
    expect(args.checker).toBe('linearizable');
    expect(args.format).toBe('jepsen-edn');
    expect(args['time-limit'] === undefined ? undefined : Number(args['time-limit']) * 1000).toBe(2500);
    expect({ model: args.model, consistencyModel: args.consistencyModel, perKey: passThroughValue(args.perKey), groupSize: args.groupSize, linearizable: passThroughValue(args.linearizable) }).toEqual({
      model: 'register',
      consistencyModel: 'snapshot-isolation',
      perKey: false,
      groupSize: 4,
      linearizable: true,
    });
  });

  it('is the bare line when nothing but the checker was chosen', () => {
    expect(checkReplayCommand('h.jsonl', 'stats')).toBe('faultline check h.jsonl --checker stats');
    expect(checkReplayCommand('h.jsonl', 'stats', { options: { model: undefined, signal: new AbortController().signal } })).toBe('faultline check h.jsonl --checker stats');
  });
});
