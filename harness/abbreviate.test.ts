import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brief, briefText, firstDifference, keptRuns, LIST_ENDS, LIST_LIMIT, STRING_LIMIT, type Run } from './abbreviate.ts';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** No list or object longer than LIST_LIMIT and no string longer than STRING_LIMIT, at any depth. */
function short(v: unknown): boolean {
  if (typeof v === 'string') return v.length <= STRING_LIMIT;
  if (Array.isArray(v)) return v.length <= LIST_LIMIT && v.every(short);
  if (typeof v === 'object' && v !== null) return Object.keys(v).length <= LIST_LIMIT && Object.values(v).every(short);
  return true;
}

describe('brief', () => {
  it('writes a value that needs no abbreviation exactly as JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        fc.pre(short(v));
        expect(brief(v)).toBe(JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
  });

  it('shows a long read as its first and last few elements and how many are left out', () => {
    const read = [103, 106, 107, ...range(200, 475), 843, 847];
    expect(read).toHaveLength(280);
    expect(brief(read)).toBe('[103,106,107,…274 more…,474,843,847]');
    expect(brief(range(0, LIST_LIMIT))).toBe(JSON.stringify(range(0, LIST_LIMIT)));
    expect(brief(range(0, LIST_LIMIT + 1))).toBe('[0,1,2,…5 more…,8,9,10]');
  });

  it('keeps the elements it is told to focus on, with a neighbour each side', () => {
    expect(brief(range(0, 100), { focus: [50] })).toBe('[0,1,2,…46 more…,49,50,51,…45 more…,97,98,99]');
    // Focus near an end joins the end rather than leaving a gap of one.
    expect(brief(range(0, 100), { focus: [4, 95] })).toBe('[0,1,2,3,4,5,…88 more…,94,95,96,97,98,99]');
  });

  it('abbreviates nested reads inside micro-ops, and long strings inside their quotes', () => {
    expect(brief([['r', 'c', range(0, 20)]])).toBe('[["r","c",[0,1,2,…14 more…,17,18,19]]]');
    const kv = 'x 0 2 yx 11 1 yx 47 0 yx 47 1 yx 21 5 yx 6 9 yx 41 2 yx 8 1 y';
    expect(brief(kv)).toBe('"x 0 2 yx 11 1 yx 47 0 yx…21 more chars…yx 41 2 yx 8 1 y"');
    expect(brief('"'.repeat(60))).toBe(`"${'\\"'.repeat(24)}…20 more chars…${'\\"'.repeat(16)}"`);
  });

  it('writes Clojure-ish lists and nil in the report style', () => {
    expect(brief([1, null, range(0, 12)], { style: { sep: ' ', nil: 'nil' } })).toBe('[1 nil [0 1 2 …6 more… 9 10 11]]');
  });

  it('abbreviates objects with many keys', () => {
    const balances = Object.fromEntries(range(0, 20).map((i) => [String(i), i * 10]));
    expect(brief(balances)).toBe('{"0":0,"1":10,"2":20,…14 more keys…,"17":170,"18":180,"19":190}');
  });
});

describe('keptRuns', () => {
  it('covers the list exactly once, keeps both ends and every focus index, and never hides fewer than three', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.array(fc.nat(400), { maxLength: 8 }), (length, focus) => {
        const runs = keptRuns(length, { focus });
        const shown = new Set<number>();
        let at = 0;
        for (const run of runs) {
          if ('skipped' in run) {
            expect(run.skipped).toBeGreaterThanOrEqual(3);
            at += run.skipped;
          } else {
            expect(run.from).toBe(at);
            for (let i = run.from; i < run.to; i++) shown.add(i);
            at = run.to;
          }
        }
        expect(at).toBe(length);
        for (const i of [...range(0, Math.min(LIST_ENDS, length)), ...range(Math.max(0, length - LIST_ENDS), length)]) expect(shown.has(i)).toBe(true);
        for (const i of focus) if (i < length) expect(shown.has(i)).toBe(true);
        if (length <= LIST_LIMIT) expect(shown.size).toBe(length);
      }),
    );
  });

  it('keeps a short list whole', () => {
    expect(keptRuns(5)).toEqual<Run[]>([{ from: 0, to: 5 }]);
    expect(keptRuns(0)).toEqual([]);
  });
});

describe('briefText', () => {
  it('leaves text up to the limit alone and cuts longer text at token boundaries', () => {
    expect(briefText('read → 3')).toBe('read → 3');
    const state = `"${range(0, 40).map((i) => `x ${i} y`).join('')}"`;
    const out = briefText(state);
    expect(out).toBe('"x 0 yx 1 yx 2 yx 3 yx 4 yx 5 yx 6 …173 more chars… 36 yx 37 yx 38 yx 39 y"');
    expect(out.length).toBeLessThan(state.length / 2);
  });
});

describe('firstDifference', () => {
  it('finds where two lists part ways', () => {
    expect(firstDifference([1, 2, 3], [1, 2, 4], Object.is)).toBe(2);
    expect(firstDifference([1, 2], [1, 2, 4], Object.is)).toBe(2);
  });
});
