import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opToJsonLine, parseJsonlHistory } from '../history/jsonl.ts';
import type { Op } from '../history/op.ts';
import type { HistoryFormat } from './format.ts';
import { faultlineJsonlFormat } from './faultline-jsonl.ts';
import { jepsenEdnFormat } from './jepsen-edn.ts';
import { jepsenJsonFormat } from './jepsen-json.ts';
import { parseHistoryText } from './read-history.ts';

// Fixed seed: a failure replays; fast-check prints the path to shrink from.
const params = { seed: 20261207, numRuns: 150 };

/** A well-formed history: each of a few processes invokes, then completes, in random order. */
const historyArb: fc.Arbitrary<Op[]> = fc
  .array(
    fc.record({
      process: fc.integer({ min: 0, max: 3 }),
      f: fc.constantFrom('read', 'write', 'cas', 'add'),
      key: fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 4 })), { nil: undefined }),
      value: fc.jsonValue({ maxDepth: 3 }),
      outcome: fc.constantFrom('ok', 'fail', 'info') as fc.Arbitrary<Op['type']>,
      time: fc.integer({ min: 0, max: 2 ** 40 }),
      nemesis: fc.boolean(),
    }),
    { maxLength: 30 },
  )
  .map((steps) => {
    const ops: Op[] = [];
    const open = new Map<number, Op>();
    for (const s of steps) {
      const index = ops.length;
      if (s.nemesis && s.process === 0) {
        ops.push({ index, time: s.time, type: 'info', process: 'nemesis', f: 'start', value: s.value });
        continue;
      }
      const inFlight = open.get(s.process);
      const op: Op = inFlight
        ? { index, time: s.time, type: s.outcome, process: s.process, f: inFlight.f, value: s.value }
        : { index, time: s.time, type: 'invoke', process: s.process, f: s.f, value: s.value };
      const key = inFlight ? inFlight.key : s.key;
      if (key !== undefined) op.key = key;
      if (inFlight) open.delete(s.process);
      else open.set(s.process, op);
      ops.push(op);
    }
    return ops;
  });

/** Jepsen EDN for a JSON-like value (strings as EDN strings, objects as maps with string keys). */
function edn(v: unknown): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(edn).join(' ')}]`;
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${edn(k)} ${edn(x)}`)
    .join(', ')}}`;
}

function ednOp(op: Op): string {
  const process = op.process === 'nemesis' ? ':nemesis' : op.process;
  const key = op.key === undefined ? '' : `, :key ${edn(op.key)}`;
  return `{:index ${op.index}, :time ${op.time}, :type :${op.type}, :process ${process}, :f :${op.f}, :value ${edn(op.value)}${key}}`;
}

const jsonOp = (op: Op) => JSON.stringify({ ...op, type: `:${op.type}`, f: `:${op.f}` });
const withoutTime = (ops: Op[]) => ops.map(({ time: _, ...rest }) => rest);

describe('reading is stable', () => {
  it('faultline JSONL round-trips: ops → lines → ops, whole text or read by content', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        const text = ops.map(opToJsonLine).join('\n') + '\n';
        expect(parseJsonlHistory(text)).toEqual(ops);
        if (ops.length > 0) expect(parseHistoryText(text, 'h.jsonl')).toEqual(ops);
      }),
      params,
    );
  });

  it('Jepsen EDN and JSON read the same ops that were written', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        fc.pre(ops.length > 0 && ops.some((o) => o.key !== undefined));
        expect(parseHistoryText(ops.map(ednOp).join('\n'), 'h.edn', 'jepsen-edn')).toEqual(ops);
        expect(parseHistoryText(`[${ops.map(jsonOp).join(',\n')}]`, 'h.json', 'jepsen-json')).toEqual(ops);
      }),
      { ...params, numRuns: 100 },
    );
  });

  it('permuting :time values changes only the times: same ops, same order, times kept as data', () => {
    fc.assert(
      fc.property(
        historyArb.chain((ops) => fc.tuple(fc.constant(ops), fc.shuffledSubarray(ops.map((o) => o.time), { minLength: ops.length, maxLength: ops.length }))),
        ([ops, times]) => {
          fc.pre(ops.length > 0);
          const permuted = ops.map((o, i) => ({ ...o, time: times[i]! }));
          for (const [write, format] of [
            [ednOp, 'jepsen-edn'],
            [jsonOp, 'jepsen-json'],
            [opToJsonLine, 'faultline'],
          ] as const) {
            const original = parseHistoryText(ops.map(write).join('\n'), 'h', format);
            const shuffled = parseHistoryText(permuted.map(write).join('\n'), 'h', format);
            expect(withoutTime(shuffled)).toEqual(withoutTime(original));
            expect(shuffled.map((o) => o.time)).toEqual(times);
          }
        },
      ),
      params,
    );
  });

  it.each([
    ['jepsen-edn, one map per line', jepsenEdnFormat, (ops: Op[]) => ops.map(ednOp).join('\n')],
    ['jepsen-edn, one vector, maps over several lines', jepsenEdnFormat, (ops: Op[]) => `; h\n[${ops.map((o) => ednOp(o).replace(/, :f/, ',\n  :f')).join('\n ')}]\n`],
    ['jepsen-json, array', jepsenJsonFormat, (ops: Op[]) => `[${ops.map(jsonOp).join(',\n')}]`],
    ['faultline', faultlineJsonlFormat, (ops: Op[]) => ops.map(opToJsonLine).join('\n')],
  ] as [string, HistoryFormat, (ops: Op[]) => string][])('%s: any split into chunks of whole lines reads as the whole text', (_, format, write) => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.nat(), { maxLength: 6 }), (ops, cuts) => {
        const text = write(ops);
        const lines = text.split('\n');
        const at = [...new Set(cuts.map((c) => c % (lines.length + 1)))].sort((a, b) => a - b);
        const whole = format.parser('h');
        whole.push({ text, firstLine: 1, final: true });
        const pieces = format.parser('h');
        let from = 0;
        for (const to of [...at, lines.length]) {
          if (to < from) continue;
          const last = to === lines.length;
          const piece = lines.slice(from, to).join('\n') + (last ? '' : '\n');
          if (!last && to === from) continue;
          pieces.push({ text: piece, firstLine: from + 1, final: last });
          from = to;
        }
        const a = whole.finish();
        const b = pieces.finish();
        expect(b.ops).toEqual(a.ops);
        expect(Array.from({ length: b.lines.length }, (_, i) => b.lines.at(i))).toEqual(Array.from({ length: a.lines.length }, (_, i) => a.lines.at(i)));
      }),
      params,
    );
  });
});
