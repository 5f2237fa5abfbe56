import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { EdnReader } from './edn.ts';
import { parseJepsenEdn } from './jepsen-edn.ts';
import { parseJepsenJson } from './jepsen-json.ts';
import { parsePorcupineLog } from './porcupine-log.ts';
import { parseHistoryText } from './read-history.ts';

const edn = (s: string) => new EdnReader(s).read();

describe('EDN reader', () => {
  it('reads the scalars Jepsen writes', () => {
    expect(edn('nil')).toBe(null);
    expect(edn('true')).toBe(true);
    expect(edn(':invoke')).toBe('invoke');
    expect(edn(':jepsen.history/op')).toBe('jepsen.history/op');
    expect(edn('-42')).toBe(-42);
    expect(edn('3.5e2')).toBe(350);
    expect(edn('12N')).toBe(12);
    expect(edn('1/4')).toBe(0.25);
    expect(edn('"a \\"quoted\\" \\\\ \\n \\u00e9"')).toBe('a "quoted" \\ \n é');
    expect(edn('\\a')).toBe('a');
    expect(edn('\\newline')).toBe('\n');
    expect(edn('some-symbol')).toBe('some-symbol');
  });

  it('reads collections: vectors, lists and sets as arrays, maps with string keys', () => {
    expect(edn('[1 [2 3] (4) #{5}]')).toEqual([1, [2, 3], [4], [5]]);
    expect(edn('{:a 1, "b" [nil], :c {:d :e}}')).toEqual({ a: 1, b: [null], c: { d: 'e' } });
    expect(edn('{[1 2] 3}')).toEqual({ '[1,2]': 3 });
  });

  it('skips comments, commas and discarded forms; unwraps tagged literals', () => {
    expect(edn('; a comment\n [1, #_ 2 3 ; another\n ]')).toEqual([1, 3]);
    expect(edn('#inst "2024-01-01T00:00:00Z"')).toBe('2024-01-01T00:00:00Z');
    expect(edn('#jepsen.history.Op{:type :ok}')).toEqual({ type: 'ok' });
  });
});

describe('Jepsen EDN histories', () => {
  const expected = [
    { index: 0, time: 10, type: 'invoke', process: 0, f: 'write', value: 3 },
    { index: 1, time: 20, type: 'ok', process: 0, f: 'write', value: 3 },
  ];

  it('reads a vector of op maps, a list of them, or one map per line', () => {
    const a = '{:type :invoke, :f :write, :value 3, :process 0, :time 10}';
    const b = '{:type :ok, :f :write, :value 3, :process 0, :time 20}';
    expect(parseJepsenEdn(`[${a}\n ${b}]`)).toEqual(expected);
    expect(parseJepsenEdn(`(${a} ${b})`)).toEqual(expected);
    expect(parseJepsenEdn(`; history\n${a}\n\n${b}\n`)).toEqual(expected);
  });

  it('keeps keys, nodes and errors, makes nemesis ops and structured errors readable', () => {
    const ops = parseJepsenEdn(
      [
        '{:type :info, :f :start, :value nil, :process :nemesis, :time 1}',
        '{:type :invoke, :f :read, :value nil, :process 1, :time 2, :key "k1", :node "n1"}',
        '{:type :info, :f :read, :value nil, :process 1, :time 3, :key "k1", :error [:timeout 5]}',
        '{:type :info, :f :start, :value [:isolated {"n1" #{"n2"}}], :process :nemesis, :time 4}',
      ].join('\n'),
    );
    expect(ops[0]).toMatchObject({ process: 'nemesis', type: 'info', value: null });
    expect(ops[1]).toMatchObject({ key: 'k1', node: 'n1' });
    expect(ops[2]).toMatchObject({ error: '["timeout",5]' });
    expect(ops[3]!.value).toEqual(['isolated', { n1: ['n2'] }]);
  });

  it('assigns dense indices, and times from positions when the file has none (the corpus kv files)', () => {
    const ops = parseJepsenEdn('{:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y", :index 17}\n{:process 9, :type :ok, :f :append, :key "0", :value "x 9 0 y", :index 20}');
    expect(ops.map((o) => [o.index, o.time, o.key])).toEqual([
      [0, 0, '0'],
      [1, 1, '0'],
    ]);
  });

  it('splits jepsen.independent [k v] tuples into key and value', () => {
    const ops = parseJepsenEdn('[{:type :invoke, :f :cas, :value [7 [1 2]], :process 0}\n{:type :ok, :f :cas, :value [7 [1 2]], :process 0}\n{:type :invoke, :f :read, :value [8 nil], :process 1}]');
    expect(ops.map((o) => [o.key, o.value])).toEqual([
      [7, [1, 2]],
      [7, [1, 2]],
      [8, null],
    ]);
  });

  it('leaves plain cas pairs and transactions alone', () => {
    const cas = parseJepsenEdn('{:type :invoke, :f :cas, :value [1 2], :process 0}\n{:type :ok, :f :cas, :value [1 2], :process 0}');
    expect(cas.map((o) => [o.key, o.value])).toEqual([
      [undefined, [1, 2]],
      [undefined, [1, 2]],
    ]);
    const txn = parseJepsenEdn('{:type :invoke, :f :txn, :value [[:append :x 1] [:r :y nil]], :process 0}\n{:type :ok, :f :txn, :value [[:append :x 1] [:r :y [1 2]]], :process 0}');
    expect(txn[1]!.value).toEqual([
      ['append', 'x', 1],
      ['r', 'y', [1, 2]],
    ]);
    expect(txn[1]!.key).toBeUndefined();
  });

  it('says which line is broken and what was expected', () => {
    const bad = (text: string) => () => parseJepsenEdn(text, 'h.edn');
    expect(bad('{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read :process 0')).toThrow('h.edn:2: EDN: expected "}" to close the map, got the end of the input');
    expect(bad('{:type :invoke, :f :read, :process 0}\n\n{:type :done, :f :read, :process 0}')).toThrow('h.edn:3: expected :type to be one of :invoke, :ok, :fail, :info; got "done"');
    expect(bad('[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :process "p"}]')).toThrow('h.edn:2: expected :process to be a non-negative integer or :nemesis; got "p"');
    expect(bad('{:type :invoke, :f :read, :process 0}\n[1 2]')).toThrow('h.edn:2: expected an op map, got [1,2]');
    expect(bad('{:type :invoke :value "unterminated}')).toThrow(/h\.edn:1: EDN: expected a closing " for the string/);
    expect(bad('{:type :invoke :value}')).toThrow('h.edn:1: EDN: expected a value for map key "value"');
    expect(bad('{:type :invoke}')).toThrow(InputError);
  });
});

describe('Jepsen JSON histories (as elle-cli reads them)', () => {
  it('reads an array of op objects, keyword-ish strings losing their colon', () => {
    const ops = parseJepsenJson('[{"type": ":invoke", "f": ":txn", "value": [["append", "x", 1]], "process": 0, "time": 5},\n {"type": "ok", "f": "txn", "value": [["append", "x", 1]], "process": 0, "time": 9}]');
    expect(ops).toEqual([
      { index: 0, time: 5, type: 'invoke', process: 0, f: 'txn', value: [['append', 'x', 1]] },
      { index: 1, time: 9, type: 'ok', process: 0, f: 'txn', value: [['append', 'x', 1]] },
    ]);
  });

  it('reads one object per line, and names the line of a bad op', () => {
    expect(parseJepsenJson('{"type":"invoke","f":"read","process":0}\n{"type":"ok","f":"read","process":0,"value":1}\n')).toHaveLength(2);
    expect(() => parseJepsenJson('[{"type":"invoke","f":"read","process":0},\n{"type":"ok","f":"read","process":-1.5}]', 'h.json')).toThrow('h.json:2: expected :process to be a non-negative integer or :nemesis; got -1.5');
    expect(() => parseJepsenJson('{"type":"invoke","f":"read","process":0}\n{"type":', 'h.json')).toThrow('h.json:2: expected one JSON op object per line');
  });
});

describe('Porcupine etcd logs', () => {
  const log = ['INFO  jepsen.util - 0\t:invoke\t:read\tnil', 'INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0]', 'INFO  jepsen.util - 0   :fail   :read   :timed-out', 'INFO  jepsen.util - 1\t:info\t:cas\t:timed-out', ''].join('\n');

  it('reads tab- or space-separated lines, with times from positions', () => {
    const ops = parsePorcupineLog(log);
    expect(ops.map((o) => [o.index, o.time, o.type, o.process, o.f, o.value])).toEqual([
      [0, 0, 'invoke', 0, 'read', null],
      [1, 1, 'invoke', 1, 'cas', [3, 0]],
      [2, 2, 'info', 0, 'read', null],
      [3, 3, 'info', 1, 'cas', [3, 0]],
    ]);
    expect(ops[2]!.error).toBe('timed-out');
  });

  it('names the line that does not fit', () => {
    expect(() => parsePorcupineLog(`${log}INFO  jepsen.util - x\t:ok\t:read\t1\n`, 'e.log')).toThrow('e.log:5: expected "INFO jepsen.util - <process> :<type> :<f> <value>"');
    expect(() => parsePorcupineLog('INFO  jepsen.util - 1\t:ok\t:read\t[1\n', 'e.log')).toThrow('e.log:1: expected an EDN value after :read (expected "]" to close the collection, got the end of the input), got "[1"');
  });
});

describe('format detection', () => {
  it('tells each format from its first bytes, and --format overrides', () => {
    const jsonl = '{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}\n';
    expect(parseHistoryText(jsonl, 'a')).toHaveLength(1);
    expect(parseHistoryText('; comment\n[{:type :invoke, :f :read, :process 0}]', 'b')).toHaveLength(1);
    expect(parseHistoryText('#jepsen.history.Op{:type :invoke, :f :read, :process 0}', 'b2')).toHaveLength(1);
    expect(parseHistoryText('[{"type":"invoke","f":"read","process":0}]', 'c')).toHaveLength(1);
    // elle-cli's one-object-per-line JSON, which lacks faultline's "time".
    expect(parseHistoryText('{"index":0,"type":"invoke","f":"txn","value":[["r",1,null]],"process":0}\n', 'c2')[0]).toMatchObject({ time: 0, f: 'txn' });
    expect(parseHistoryText('INFO  jepsen.util - 0\t:invoke\t:read\tnil\n', 'd')).toHaveLength(1);
    expect(parseHistoryText('{:type :invoke, :f :read, :process 0}', 'e', 'jepsen-edn')).toHaveLength(1);
    expect(() => parseHistoryText('hello', 'f')).toThrow('f:1: cannot tell the history format from the content');
  });

  it('validates what an importer produced', () => {
    expect(() => parseHistoryText('{:type :invoke, :f :read, :process 1}\n{:type :ok, :f :read, :process 0}', 'g.edn')).toThrow('g.edn:2: malformed history at op 1: ok for process 0 without an open invoke');
  });
});
