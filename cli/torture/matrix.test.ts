import { describe, expect, it } from 'vitest';
import { completeMatrix, faultLabel, MAX_SEEDS, parseFaults, parseMatrix, variant, RUN_DEFAULTS } from './matrix.ts';

const known = { databases: ['etcd', 'postgres'], workloads: ['register', 'list-append'], nemeses: ['partition', 'kill', 'pause'] };

describe('parseMatrix', () => {
  it('reads YAML with variants, fault combinations in three spellings, and run settings', () => {
    const m = parseMatrix(
      [
        'seed: 42',
        'seeds: 3',
        'databases:',
        '  - etcd',
        '  - {db: postgres, label: pg-rr, isolation: repeatable-read, options: {postgresSlow: true}}',
        'workloads: [register, {workload: register, label: stale, options: {readConsistency: serializable}}]',
        'nemesis: [none, "partition,kill", [pause, kill]]',
        'time-limit: 30',
        'nemesis-interval: 5',
        'options: {timeoutMs: 1000}',
      ].join('\n'),
      'm.yaml',
      known,
    );
    expect(m).toEqual({
      seed: 42,
      seeds: 3,
      databases: [variant('etcd'), variant('postgres', 'pg-rr', { postgresSlow: true }, { isolation: 'repeatable-read' })],
      workloads: [variant('register'), variant('register', 'stale', { readConsistency: 'serializable' })],
      nemesis: [[], ['kill', 'partition'], ['kill', 'pause']],
      run: { timeLimit: 30, nemesisInterval: 5, options: { timeoutMs: 1000 } },
    });
  });

  it('a database or workload entry may set its own nodes', () => {
    const m = parseMatrix('databases: [{db: etcd, nodes: 3}, {db: postgres, label: pg, nodes: 1}]\nworkloads: [{workload: register, nodes: 5}]', 'm.yaml', known);
    expect(m.databases).toEqual([variant('etcd', 'etcd', {}, { nodes: 3 }), variant('postgres', 'pg', {}, { nodes: 1 })]);
    expect(m.workloads).toEqual([variant('register', 'register', {}, { nodes: 5 })]);
    expect(() => parseMatrix('databases: [{db: etcd, nodes: 0}]', 'm.yaml', known)).toThrow('nodes must be an integer >= 1 (got 0)');
  });

  it('reads JSON too', () => {
    expect(parseMatrix('{"databases": ["etcd"], "nemesis": [[], ["partition"]], "nodes": 3}', 'm.json', known)).toEqual({ databases: [variant('etcd')], nemesis: [[], ['partition']], run: { nodes: 3 } });
  });

  it('names every problem with its line', () => {
    const text = ['seeds: 0', 'databases: [etcd, {db: mongo}]', 'workloads:', '  - register', '  - register', 'nemesis: [partition, partition, [gremlin]]', 'rate: fast', 'colour: blue'].join('\n');
    expect(() => parseMatrix(text, 'm.yaml', known)).toThrow(
      'm.yaml: 7 problems: line 8: unknown key "colour"; expected one of seed, seeds, databases, workloads, nemesis, isolation, options, nodes, concurrency, rate, time-limit, nemesis-interval, recovery; line 1: seeds must be an integer >= 1 (got 0); line 7: rate must be a number >= 0 (got "fast"); line 2: unknown db "mongo"; expected one of etcd, postgres; line 5: two workloads have the label "register"; give one a different label; line 6: the fault combination partition is listed twice; line 6: unknown nemesis "gremlin"; expected one of partition, kill, pause',
    );
  });

  it('one problem is file:line: message; bad YAML and a non-mapping too', () => {
    expect(() => parseMatrix('databases: []\n', 'm.yaml', known)).toThrow('m.yaml:1: databases must be a non-empty list');
    expect(() => parseMatrix('databases: [etcd\n', 'm.yaml', known)).toThrow(/^m\.yaml:2: not valid YAML or JSON: /);
    expect(() => parseMatrix('- etcd\n', 'm.yaml', known)).toThrow('m.yaml:1: expected a mapping of matrix keys');
    expect(() => parseMatrix('databases: [{db: etcd, label: "a/b"}]\n', 'm.yaml', known)).toThrow(`m.yaml:1: label "a/b" must be letters, digits`);
  });
});

describe('parseMatrix on hostile or malformed files', () => {
  it('refuses a YAML alias bomb (billion laughs) with the file and the first alias, without expanding it', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(`*${i === 1 ? 'a' : `l${i - 1}`}`).join(', ')}]`);
    const started = performance.now();
    expect(() => parseMatrix(levels.join('\n'), 'bomb.yaml', known)).toThrow('bomb.yaml:2: its YAML aliases (*name) expand to too much data');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('still reads a file that reuses a list through a few aliases', () => {
    const m = parseMatrix('databases: &dbs [etcd]\nworkloads: [register]\noptions: {dbs: *dbs}', 'm.yaml', known);
    expect(m.run?.options).toEqual({ dbs: ['etcd'] });
  });

  it('caps seeds, naming the line', () => {
    expect(() => parseMatrix('databases: [etcd]\nseeds: 100000000', 'm.yaml', known)).toThrow(`m.yaml:2: seeds must be at most ${MAX_SEEDS} (got 100000000)`);
    expect(parseMatrix(`seeds: ${MAX_SEEDS}`, 'm.yaml', known).seeds).toBe(MAX_SEEDS);
  });

  it('refuses deep nesting and huge files with a message, not a stack overflow', () => {
    expect(() => parseMatrix(`options: {x: ${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 'deep.yaml', known)).toThrow(/^deep\.yaml:1: not valid YAML or JSON: nested too deeply/);
    expect(() => parseMatrix(`# ${'x'.repeat(70_000)}`, 'big.yaml', known)).toThrow('big.yaml: a matrix file is at most 64 KB (this one is 69 KB)');
  });

  it.each([
    ['time-limit: -5', 'line 1: time-limit must be a number of seconds (or 500ms, 90s, 2m, 1h) > 0 (got -5)'],
    ['time-limit: ""', 'line 1: time-limit needs a value'],
    ['time-limit:', 'line 1: time-limit needs a value'],
    ['time-limit: abc', 'line 1: time-limit must be a number of seconds (or 500ms, 90s, 2m, 1h) > 0 (got "abc")'],
    ['nodes: 1.5', 'line 1: nodes must be an integer >= 1 (got 1.5)'],
    ['concurrency: 0', 'line 1: concurrency must be an integer >= 1 (got 0)'],
    ['rate: -1', 'line 1: rate must be a number >= 0 (got -1)'],
    ['recovery: [1]', 'line 1: recovery must be a number of seconds (or 500ms, 90s, 2m, 1h) >= 0 (got "[1]")'],
    ['rate: true', 'line 1: rate must be a number >= 0 (got "true")'],
    ['isolation: snapshot', 'line 1: isolation must be one of read-committed, repeatable-read, serializable (got "snapshot")'],
    ['databases: [{db: etcd, isolation: 3}]', 'line 1: isolation must be one of read-committed, repeatable-read, serializable (got 3)'],
  ])('names the field and line of %s', (text, message) => {
    expect(() => parseMatrix(`seeds: 1\n${text}`, 'm.yaml', known)).toThrow(`m.yaml:2: ${message.replace(/^line 1: /, '')}`);
  });

  it('reads durations as the flags do', () => {
    expect(parseMatrix('time-limit: 2m\nrecovery: 500ms\nnemesis-interval: 7', 'm.yaml', known).run).toEqual({ timeLimit: 120, recovery: 0.5, nemesisInterval: 7 });
  });
});

describe('completeMatrix', () => {
  it('flags win over the file, the file over the defaults; options merge', () => {
    const m = completeMatrix({ seeds: 2, databases: [variant('postgres')], run: { timeLimit: 30, options: { a: 1, b: 1 } } }, { seeds: 3, run: { nodes: 3, options: { b: 2 } } }, { databases: ['etcd'], workloads: ['register'] });
    expect(m).toEqual({ databases: [variant('postgres')], workloads: [variant('register')], nemesis: [[]], seeds: 3, run: { ...RUN_DEFAULTS, timeLimit: 30, nodes: 3, options: { a: 1, b: 2 } } });
  });

  it('parseFaults: none, or comma-separated entries that may carry variants; labels fit a folder name', () => {
    expect(parseFaults('none')).toEqual([]);
    expect(parseFaults(' partition, kill ')).toEqual(['partition', 'kill']);
    expect(parseFaults('partition:one+majority,kill')).toEqual(['partition:one+majority', 'kill']);
    expect(faultLabel(['kill', 'partition:one+majority'])).toBe('kill.partition_one_majority');
    expect(faultLabel([])).toBe('none');
  });
});
