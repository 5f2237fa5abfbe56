import { JsonlOpReader } from '../history/jsonl.ts';
import { OP_TYPES, type OpType } from '../history/op.ts';
import type { HistoryFormat } from './format.ts';

/** Lines of the head looked at to tell faultline JSONL from other JSON histories. */
const SAMPLE_LINES = 20;

/**
 * faultline's own `history.jsonl` (DESIGN.md §2), read strictly: dense indices, times, every
 * field checked. Told by content from any of the first lines, not the first alone, so a file
 * whose first line is broken is still read (and refused) as faultline JSONL rather than
 * slipping into the lenient Jepsen JSON reader.
 */
export const faultlineJsonlFormat: HistoryFormat = {
  name: 'faultline',
  detect: (head) => {
    if (!/^\s*\{/.test(head)) return false;
    let seen = 0;
    for (const line of head.split('\n', SAMPLE_LINES * 4)) {
      const l = line.trim();
      if (l === '') continue;
      if (++seen > SAMPLE_LINES) break;
      try {
        if (looksLikeFaultlineOp(JSON.parse(l))) return true;
      } catch {
        // A broken line says nothing either way; the others decide.
      }
    }
    return false;
  },
  parser: (file) => {
    const reader = new JsonlOpReader(file);
    return {
      push: (chunk) => reader.push(chunk.text, chunk.firstLine, chunk.final),
      finish: () => ({ ops: reader.ops, lines: reader.lines, notes: [] }),
    };
  },
};

/** A line as `opToJsonLine` writes it: index, time, a plain op type and f. elle-cli's JSON has no time. */
function looksLikeFaultlineOp(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return Number.isInteger(o.index) && typeof o.time === 'number' && OP_TYPES.includes(o.type as OpType) && typeof o.f === 'string';
}
