import yargs from 'yargs';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { main } from './main.ts';
import { numberFlags, parseNumberFlag } from './number-flag.ts';

const PORT = { integer: true, min: 0, max: 65535 };
const SECONDS = { seconds: true, above: 0 };

describe('parseNumberFlag', () => {
  it.each([
    ['8080', PORT, 8080],
    [' 0 ', PORT, 0],
    [['1', '2'], PORT, 2],
    [7, PORT, 7],
    ['30', SECONDS, 30],
    ['1.5', SECONDS, 1.5],
    ['500ms', SECONDS, 0.5],
    ['90s', SECONDS, 90],
    ['2m', SECONDS, 120],
    ['1h', SECONDS, 3600],
    ['1e3', {}, 1000],
  ] as const)('reads %j as %s', (raw, spec, want) => {
    expect(parseNumberFlag('x', raw, spec)).toBe(want);
  });

  it.each([
    ['abc', PORT, '--x must be an integer from 0 to 65535 (got "abc")'],
    ['99999', PORT, '--x must be an integer from 0 to 65535 (got "99999")'],
    ['-1', PORT, '--x must be an integer from 0 to 65535 (got "-1")'],
    ['1.5', PORT, '--x must be an integer from 0 to 65535 (got "1.5")'],
    ['0x10', PORT, 'got "0x10"'],
    ['10s', PORT, 'got "10s"'],
    ['', SECONDS, '--x needs a value: a number of seconds (or 500ms, 90s, 2m, 1h) > 0'],
    ['   ', SECONDS, '--x needs a value'],
    ['abc', SECONDS, '--x must be a number of seconds (or 500ms, 90s, 2m, 1h) > 0 (got "abc")'],
    ['-5', SECONDS, '(got "-5")'],
    ['0', SECONDS, '(got "0")'],
    ['5d', SECONDS, '(got "5d")'],
    ['Infinity', SECONDS, '(got "Infinity")'],
    ['1e999', SECONDS, '(got "1e999")'],
    [true, SECONDS, '--x needs a value'],
  ] as const)('refuses %j', (raw, spec, message) => {
    expect(() => parseNumberFlag('x', raw, spec)).toThrow(InputError);
    expect(() => parseNumberFlag('x', raw, spec)).toThrow(message);
  });

  it('leaves a flag that was not given undefined', () => {
    expect(parseNumberFlag('x', undefined, PORT)).toBeUndefined();
  });
});

describe('numberFlags', () => {
  const parse = (argv: string[]) =>
    numberFlags(yargs(argv).fail((msg, err) => {
      throw err ?? new Error(msg);
    }), { port: { describe: 'p', default: 8080, ...PORT }, 'time-limit': { describe: 't', ...SECONDS } }).parseSync() as Record<string, unknown>;

  it('converts values, applies defaults and sets the camelCase twin', () => {
    expect(parse([])).toMatchObject({ port: 8080, 'time-limit': undefined });
    expect(parse(['--port', '9', '--time-limit', '2m'])).toMatchObject({ port: 9, 'time-limit': 120, timeLimit: 120 });
    expect(parse(['--port=1', '--port=3'])).toMatchObject({ port: 3 });
  });

  it('refuses a flag written without a value instead of using its default', () => {
    expect(() => parse(['--port'])).toThrow('--port needs a value');
    expect(() => parse(['--port', '--time-limit', '3'])).toThrow('--port needs a value');
    expect(() => parse(['--time-limit='])).toThrow('--time-limit needs a value');
  });

  it('keeps the InputError (exit 254), where an error thrown in coerce would come out as a yargs error', () => {
    expect(() => parse(['--port', 'x'])).toThrow(InputError);
  });
});

describe('serve --port', () => {
  it.each([['abc'], ['99999'], ['-1'], [''], []])('exits 254 with a clear message for --port %j', async (...value: string[]) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['serve', '--store', '.', '--port', ...value])).toBe(254);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/faultline: --port (must be an integer from 0 to 65535|needs a value)/);
    } finally {
      stderr.mockRestore();
    }
  });
});
