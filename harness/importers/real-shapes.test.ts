import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Op } from '../history/op.ts';
import { readHistory, readHistoryFile } from './read-history.ts';

/**
 * One fixture per shape that published histories have (Jepsen, Elle, Knossos, elle-cli,
 * Porcupine). The fixtures are written here to reproduce each shape; the comment on each test
 * names the published files that have it.
 */
const fixture = (name: string) => join(import.meta.dirname, '../../test/fixtures/histories', name);
const read = (name: string, completionOnly = false) => readHistory(fixture(name), { completionOnly });
/** [type, process, f, value] (and key when there is one) of each op, in order. */
const brief = (ops: Op[]) => ops.map((o) => (o.key === undefined ? [o.type, o.process, o.f, o.value] : [o.type, o.process, o.f, o.key, o.value]));

describe('published history shapes', () => {
  // knossos data/cas-register/bad/bad-analysis.edn: one vector, `;` comments between its maps,
  // uneven spacing and commas, a crashed invocation, a read invoked with a value.
  it('Knossos: a vector of op maps with comments inside, no :time, no :index', async () => {
    const { ops, format, notes } = await read('knossos-vector-comments.edn');
    expect(format).toBe('jepsen-edn');
    expect(notes).toEqual([]);
    expect(brief(ops)).toEqual([
      ['invoke', 3, 'write', 1],
      ['ok', 3, 'write', 1],
      ['invoke', 5, 'read', null],
      ['invoke', 8, 'read', 1],
      ['ok', 8, 'read', 1],
      ['invoke', 9, 'read', null],
      ['ok', 9, 'read', 0],
    ]);
    // No :time anywhere: times are positions.
    expect(ops.map((o) => o.time)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  // knossos data/cas-register/bad/mongodb-v0-ack-rollback-6.edn, good/memstress3-*.edn: a comment
  // line before the vector; cas values are [old new] pairs, which must not be taken for keys.
  it('Knossos: plain cas pairs stay values', async () => {
    const { ops } = await read('knossos-leading-comment-cas.edn');
    expect(ops.filter((o) => o.f === 'cas').map((o) => [o.type, o.key, o.value])).toEqual([
      ['invoke', undefined, [0, 2]],
      ['fail', undefined, [0, 2]],
      ['invoke', undefined, [1, 3]],
      ['ok', undefined, [1, 3]],
    ]);
  });

  // elle histories/paper-example.edn, elle-cli histories/elle/paper-example.edn: one map per
  // line with :index only; no :f, no :process, no :time; commas sometimes missing.
  it('Elle: no :f and no :process: txn inferred, completions paired by value, each pair its own process', async () => {
    const { ops, notes } = await read('elle-no-f-no-process.edn');
    expect(brief(ops)).toEqual([
      ['invoke', 0, 'txn', [['append', 10, 1], ['append', 11, 1]]],
      ['ok', 0, 'txn', [['append', 10, 1], ['append', 11, 1]]],
      ['invoke', 1, 'txn', [['append', 11, 2], ['r', 10, null]]],
      ['ok', 1, 'txn', [['append', 11, 2], ['r', 10, [1]]]],
      ['invoke', 2, 'txn', [['r', 11, null], ['r', 10, null]]],
      ['ok', 2, 'txn', [['r', 11, [1, 2]], ['r', 10, [1]]]],
    ]);
    expect(notes).toEqual([
      '6 ops have no :f; read as Elle transactions (txn) from their micro-op values',
      'no op names a :process: each completion was paired with the open invocation it completes (same :f, key and agreeing values), and each pair has a process of its own',
    ]);
  });

  // elle histories/huge-scc.edn, elle-cli test-data/bank-tidb.edn, knossos-mutex etcd.json:
  // :time steps back between ops that are in order (taken on different threads).
  it('Elle: :time that goes backwards is kept as data; the file order is the order', async () => {
    const { ops } = await read('elle-non-monotone-time.edn');
    expect(ops.map((o) => [o.index, o.time])).toEqual([
      [0, 1500200],
      [1, 1500900],
      [2, 2100000],
      [3, 2099100],
      [4, 2350000],
      [5, 2349000],
      [6, 2600000],
      [7, 2700000],
    ]);
  });

  // elle histories/cyclic-versions.edn: sparse :index (0 1 2 3 962 …) with :time; rw-register.
  it('Elle: sparse :index values become dense positions', async () => {
    const { ops } = await read('elle-sparse-index.edn');
    expect(ops.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ops[3]).toEqual({ index: 3, time: 880123, type: 'ok', process: 2, f: 'txn', value: [['w', 7, 21], ['r', 4, null]] });
  });

  // elle histories/si-without-g-single.edn: comment lines, blank lines, :index 10 11 20 21,
  // every :time 0.
  it('Elle: comment and blank lines, every :time 0', async () => {
    const { ops } = await read('elle-comments-blank-lines.edn');
    expect(ops.map((o) => [o.index, o.time, o.process])).toEqual([
      [0, 0, 3],
      [1, 0, 3],
      [2, 0, 5],
      [3, 0, 5],
    ]);
  });

  // elle-cli test/test-data/long-fork.edn: a vector with commas between maps and no :process.
  it('elle-cli: a long-fork read history with no :process', async () => {
    const { ops } = await read('long-fork-no-process.edn');
    expect(brief(ops)).toEqual([
      ['invoke', 0, 'read', [['r', 0, null], ['r', 1, null]]],
      ['ok', 0, 'read', [['r', 0, 1], ['r', 1, null]]],
      ['invoke', 1, 'read', [['r', 1, null], ['r', 0, null]]],
      ['ok', 1, 'read', [['r', 1, 1], ['r', 0, null]]],
    ]);
  });

  // elle-cli histories/custom/comments.edn: no :process, a read invoked before two adds and
  // completed after them, a set value spread over two lines.
  it('elle-cli: no :process with overlapping ops, and a #{} set over two lines', async () => {
    const { ops } = await read('set-no-process-interleaved.edn');
    expect(brief(ops)).toEqual([
      ['invoke', 0, 'read', null],
      ['invoke', 1, 'add', 5],
      ['ok', 1, 'add', 5],
      ['invoke', 2, 'add', 8],
      ['ok', 2, 'add', 8],
      ['ok', 0, 'read', [1, 2, 3, 5, 8, 13, 21, 34]],
    ]);
  });

  // elle-cli histories/elle/list-append-gh-30.edn: :index from 1, no :f, `[ :append 4 2]`, `[ ]`.
  it('elle-cli: spaces inside brackets, empty reads written [ ]', async () => {
    const { ops } = await read('elle-cli-spaced.edn');
    expect(ops[3]).toEqual({ index: 3, time: 3, type: 'ok', process: 1, f: 'txn', value: [['r', 2, []], ['r', 3, [1]]] });
  });

  // elle-cli test/test-data/list-append-anomaly-*.json, histories/elle/paper-example.json: a JSON
  // array, an object per line, no "f", no "time".
  it('elle-cli: a JSON array of ops without "f" or "time"', async () => {
    const { ops, format } = await read('elle-cli-array.json');
    expect(format).toBe('jepsen-json');
    expect(brief(ops)).toEqual([
      ['invoke', 0, 'txn', [['append', 1, 1]]],
      ['fail', 0, 'txn', [['append', 1, 1]]],
      ['invoke', 1, 'txn', [['r', 1, null]]],
      ['ok', 1, 'txn', [['r', 1, [1]]]],
    ]);
  });

  // elle-cli histories/knossos/mutex/bad/etcd.json: the whole array on one line, nemesis info
  // pairs with "process": "nemesis" and no value, "error" strings, times out of order.
  it('elle-cli: a one-line JSON array with nemesis pairs and error strings', async () => {
    const { ops } = await read('knossos-mutex-one-line.json');
    expect(ops.map((o) => [o.type, o.process, o.f, o.time, o.error])).toEqual([
      ['invoke', 1, 'acquire', 5200, undefined],
      ['invoke', 2, 'acquire', 5100, undefined],
      ['ok', 1, 'acquire', 6100, undefined],
      ['info', 'nemesis', 'start', 6300, undefined],
      ['info', 'nemesis', 'start', 6400, undefined],
      ['fail', 2, 'acquire', 6350, 'already-held'],
      ['invoke', 1, 'release', 7000, undefined],
      ['ok', 1, 'release', 7100, undefined],
    ]);
  });

  // elle-cli test/test-data/bank-tidb.edn: invocations without :value, maps with integer keys,
  // a failed transfer whose value is the reason ([:negative 3 -2]), not the invocation's.
  it('elle-cli: bank reads are maps with integer keys; a fail may carry its reason as value', async () => {
    const { ops } = await read('bank-maps.edn');
    expect(ops[0]!.value).toBe(null);
    expect(ops[2]!.value).toEqual({ 0: 60, 1: 10, 2: 10, 3: 20 });
    expect(ops[3]).toMatchObject({ type: 'fail', process: 4, f: 'transfer', value: ['negative', 3, -2] });
  });

  // jepsen.independent histories (jepsen tests using independent/concurrent-generator):
  // [k v] values, cas as [k [old new]], reads as [k nil]; nemesis ops are not tuples.
  it('Jepsen: jepsen.independent [k v] tuples become key and value', async () => {
    const { ops, notes } = await read('independent-tuples.edn');
    expect(brief(ops)).toEqual([
      ['invoke', 0, 'write', 12, 3],
      ['invoke', 1, 'cas', 13, [0, 4]],
      ['ok', 0, 'write', 12, 3],
      ['fail', 1, 'cas', 13, [0, 4]],
      ['invoke', 0, 'read', 12, null],
      ['ok', 0, 'read', 12, 3],
      ['info', 'nemesis', 'start', null],
      ['info', 'nemesis', 'start', ['isolated', { n1: ['n2', 'n3'] }]],
    ]);
    expect(notes).toEqual(['values are jepsen.independent [key value] tuples: each key is checked as an independent object']);
  });

  // elle-cli histories/jepsen/set_full.edn: adds look like tuples ([0 i]) but the final read is
  // a flat list, so the history is not keyed: values stay whole.
  it('elle-cli: pairs that are not tuples throughout stay values', async () => {
    const { ops, notes } = await read('set-full-flat-read.edn');
    expect(ops.every((o) => o.key === undefined)).toBe(true);
    expect(ops.map((o) => o.value)).toEqual([[0, 0], [0, 0], [0, 1], [0, 1], [0, null], [0, 1, 2]]);
    expect(notes).toEqual([]);
  });

  // Jepsen's printed Op records (`#jepsen.history.Op{…}`, e.g. in results.edn and the Kafka
  // workload's docs), pretty-printed over several lines.
  it('Jepsen: #jepsen.history.Op records over several lines', async () => {
    const { ops } = await read('jepsen-op-records.edn');
    expect(ops).toEqual([
      { index: 0, time: 4100200300, type: 'invoke', process: 2, f: 'poll', value: [['poll', null]] },
      { index: 1, time: 4100900300, type: 'ok', process: 2, f: 'poll', value: [['poll', { k7: [[3, 4], [4, 5]] }]] },
    ]);
  });

  // Jepsen nemesis ops (partition, kill, clock): info pairs whose value is a keyword, a map of
  // node sets or nil; structured :error vectors; extra keys (:position, :link) on client ops.
  it('Jepsen: nemesis values, structured errors and unknown keys', async () => {
    const { ops } = await read('nemesis-maps.edn');
    expect(ops[1]!.value).toEqual(['isolated', { n1: ['n4', 'n5'], n2: ['n4', 'n5'] }]);
    expect(ops[3]).toEqual({ index: 3, time: 1400, type: 'ok', process: 0, f: 'read', value: 3 });
    expect(ops[5]).toMatchObject({ type: 'info', process: 1, error: '["timeout",1000]' });
    expect(ops[7]).toMatchObject({ process: 'nemesis', f: 'move', value: null, error: 'indeterminate: ' });
  });

  // porcupine test_data/jepsen/etcd_*.log: tab-separated log lines, :timed-out failures.
  it('Porcupine: Jepsen etcd log lines', async () => {
    const { ops, format } = await read('porcupine-etcd.log');
    expect(format).toBe('porcupine');
    expect(ops.map((o) => [o.type, o.process, o.f, o.value, o.error])).toEqual([
      ['invoke', 0, 'read', null, undefined],
      ['invoke', 1, 'write', 3, undefined],
      ['info', 0, 'read', null, 'timed-out'],
      ['info', 1, 'write', 3, 'timed-out'],
      ['invoke', 2, 'cas', [3, 4], undefined],
      ['ok', 2, 'cas', [3, 4], undefined],
    ]);
  });

  // porcupine test_data/etcd/etcd_RR0.5_CLI*_OPS20000.log: `:hint n` after each value.
  it('Porcupine: trailing :hint pairs are skipped', async () => {
    const { ops } = await read('porcupine-hint.log');
    expect(brief(ops)).toEqual([
      ['invoke', 6, 'write', 38],
      ['invoke', 4, 'read', null],
      ['ok', 6, 'write', 38],
      ['ok', 4, 'read', 38],
    ]);
  });

  // porcupine test_data/kv/c*-{ok,bad}.txt: string :key, string values, :get/:put/:append.
  it('Porcupine: kv histories with string keys', async () => {
    const { ops } = await read('kv-string-keys.edn');
    expect(brief(ops).slice(0, 4)).toEqual([
      ['invoke', 0, 'append', '4', 'x 0 0 y'],
      ['invoke', 1, 'get', '4', null],
      ['ok', 0, 'append', '4', 'x 0 0 y'],
      ['ok', 1, 'get', '4', 'x 0 0 y'],
    ]);
  });

  it('EDN scalars: ratios, big numbers, chars, #inst, #uuid, ##Inf, symbols, discards', async () => {
    const { ops } = await read('edn-scalars.edn');
    expect(ops[0]!.value).toEqual([0.25, 12, 3.5, 'a', '\n', 'é', '2024-05-01T10:00:00.000-00:00', '6f1b6c3e-0000-4000-8000-000000000001', Infinity, -Infinity, 'sym/bol', true, false, null]);
    expect(ops[1]).toEqual({ index: 1, time: 2, type: 'ok', process: 0, f: 'write', value: 'done' });
  });
});

describe('vacuous histories parse (their verdict is the checkers\' business)', () => {
  it.each([
    ['porcupine-empty.log', 0],
    ['empty-vector.edn', 0],
    ['empty-array.json', 0],
    ['nemesis-only.edn', 4],
    ['all-failed.edn', 4],
  ])('%s: %i ops', async (name, count) => {
    const ops = await readHistoryFile(fixture(name));
    expect(ops).toHaveLength(count);
  });

  it('every op failed: failures and their :error keywords are kept', async () => {
    const ops = await readHistoryFile(fixture('all-failed.edn'));
    expect(ops.map((o) => [o.type, o.error])).toEqual([
      ['invoke', undefined],
      ['fail', 'not-leader'],
      ['invoke', undefined],
      ['fail', 'timeout'],
    ]);
  });
});

describe('completion-only histories (only ok/fail, every :time 0)', () => {
  it('are refused with a hint unless the caller says how to read them', async () => {
    await expect(read('completion-only.edn')).rejects.toThrow(
      `${fixture('completion-only.edn')}: every op is a completion (ok, fail or info) and none is an invocation, so nothing says which ops overlapped; if each op was invoked just before it completed, in file order, read it with --completion-only (the reader option completionOnly)`,
    );
  });

  it('with completionOnly, each completion is invoked right before it: reads open, writes kept', async () => {
    const { ops, notes } = await read('completion-only.edn', true);
    expect(brief(ops)).toEqual([
      ['invoke', 0, 'txn', [['append', 'x', 1], ['r', 'y', null]]],
      ['ok', 0, 'txn', [['append', 'x', 1], ['r', 'y', null]]],
      ['invoke', 1, 'txn', [['append', 'y', 1]]],
      ['ok', 1, 'txn', [['append', 'y', 1]]],
      ['invoke', 1, 'txn', [['append', 'x', 2]]],
      ['fail', 1, 'txn', [['append', 'x', 2]]],
      ['invoke', 0, 'txn', [['r', 'x', null], ['r', 'y', null]]],
      ['ok', 0, 'txn', [['r', 'x', [1, 2]], ['r', 'y', [1]]]],
    ]);
    expect(ops.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(notes).toEqual(['completion-only: an invocation was placed right before each of the 4 completions, so ops do not overlap and realtime order is file order']);
  });

  it('completionOnly on a file with invocations is refused at the first one', async () => {
    await expect(read('knossos-vector-comments.edn', true)).rejects.toThrow(`${fixture('knossos-vector-comments.edn')}:1: completion-only reading was asked for, but this op is an invocation; read the file without it`);
  });
});
