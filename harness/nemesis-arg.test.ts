import { describe, expect, it } from 'vitest';
import { formatNemesisArg, parseNemesisArg } from './nemesis-arg.ts';

describe('--nemesis', () => {
  it('reads names and variants, and writes them back the same', () => {
    const a = parseNemesisArg('partition:one+primaries, kill,clock:bump');
    expect(a).toEqual({ names: ['partition', 'kill', 'clock'], variants: { partition: ['one', 'primaries'], clock: ['bump'] } });
    expect(formatNemesisArg({ nemesis: a.names, nemesisVariants: a.variants })).toBe('partition:one+primaries,kill,clock:bump');
    expect(parseNemesisArg('')).toEqual({ names: [], variants: {} });
  });

  it('says what is wrong with a malformed value', () => {
    expect(() => parseNemesisArg('partition:')).toThrow('--nemesis: "partition:" is not NAME or NAME:VARIANT+VARIANT');
    expect(() => parseNemesisArg('a:b:c')).toThrow('is not NAME or NAME:VARIANT+VARIANT');
    expect(() => parseNemesisArg('kill,kill:one')).toThrow('--nemesis names kill twice');
  });
});
