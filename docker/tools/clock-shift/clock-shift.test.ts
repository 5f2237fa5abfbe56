import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOCK_SHIFT_EXIT, CLOCK_SHIFT_SOURCE, clockShiftArgs, parseClockShiftOutput } from './clock-shift.ts';

describe('clock-shift contract', () => {
  it('has the exit codes of src/cs.h', () => {
    const header = readFileSync(join(CLOCK_SHIFT_SOURCE, 'src', 'cs.h'), 'utf8');
    const fromC = [...header.matchAll(/^\s+CS_[A-Z]+ = (\d+),/gm)].map((m) => Number(m[1]));
    expect(fromC.sort((a, b) => a - b)).toEqual(Object.values(CLOCK_SHIFT_EXIT).sort((a, b) => a - b));
  });

  it('builds argv for each command', () => {
    expect(clockShiftArgs.attach(42, '/f')).toEqual(['attach', '42', '--offset-file', '/f', '--mode', 'auto']);
    expect(clockShiftArgs.set('/f', { realtimeNs: -1_500_000_000 })).toEqual(['set', '/f', '--realtime-ns', '-1500000000']);
    expect(clockShiftArgs.set('/f', { monotonicNs: 0 }, true)).toEqual(['set', '/f', '--monotonic-ns', '0', '--allow-monotonic-backward']);
    expect(clockShiftArgs.detach(42, true)).toEqual(['detach', '42', '--allow-monotonic-backward']);
    expect(() => clockShiftArgs.set('/f', { realtimeNs: 1.5 })).toThrow(/whole number of ns/);
  });

  it('parses the JSON line and names what it got otherwise', () => {
    expect(parseClockShiftOutput('{"pid":1,"attached":false}\n')).toEqual({ pid: 1, attached: false });
    expect(() => parseClockShiftOutput('oops')).toThrow(/printed "oops", not a JSON object/);
  });
});
