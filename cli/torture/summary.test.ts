import { describe, expect, it } from 'vitest';
import { completeMatrix } from './matrix.ts';
import { planMatrix, shardRuns } from './plan.ts';
import { mergeSummaries, notRun, renderTable, sessionExitCode, sessionId, type TortureRun, type TortureSummary, type TortureVerdict } from './summary.ts';

const matrix = { ...completeMatrix({}, { nemesis: [[], ['partition']], seeds: 2 }, { databases: ['etcd'], workloads: ['register'] }) };
const plan = planMatrix(matrix, 9);

function ran(i: number, verdict: TortureVerdict = 'valid'): TortureRun {
  const p = plan.runs[i]!;
  return { ...notRun(p, `replay ${p.id}`, 'x'), verdict, exitCode: 0, incomplete: [], ops: { invoked: 10, ok: 9, fail: 1, info: 0 }, faults: 2, durationMs: 1500, startedAt: '2026-01-01T00:00:00.000Z', dir: `/store/${p.name}/${i}` };
}

function summary(shard: { index: number; count: number } | null, runs: TortureRun[], seed = 9): TortureSummary {
  return { kind: 'faultline-torture', version: 1, seed, sessionId: sessionId(matrix, seed), matrix, shard, store: 'store', total: plan.runs.length, excluded: [], startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1000, replay: `npx faultline torture --seed ${seed}${shard ? ` --shard ${shard.index}/${shard.count}` : ''}`, runs };
}

describe('mergeSummaries', () => {
  const shards = [1, 2].map((k) => summary({ index: k, count: 2 }, shardRuns(plan.runs, { index: k, count: 2 }).map((p) => ran(p.index))));

  it('joins shards into the whole session, in matrix order', () => {
    const m = mergeSummaries(shards.map((summary, i) => ({ file: `s${i}.json`, summary })).reverse());
    expect(m.runs.map((r) => r.id)).toEqual(plan.runs.map((r) => r.id));
    expect(m.shard).toBeNull();
    expect(m.replay).toBe('npx faultline torture --seed 9');
    expect(sessionExitCode(m.runs)).toBe(0);
  });

  it('lists runs no summary covers as not run, with their replay command (a merged gate cannot pass without them)', () => {
    const m = mergeSummaries([{ file: 's1.json', summary: shards[0]! }]);
    expect(m.runs.filter((r) => r.verdict === 'not-run').map((r) => r.index)).toEqual([1, 3]);
    expect(m.runs[1]!.replay).toBe(`npx faultline run --db etcd --workload register --nodes 5 --concurrency 10 --rate 200 --time-limit 60 --nemesis partition --nemesis-interval 10 --recovery 10 --name etcd-register-partition --seed ${plan.runs[1]!.seed}`);
    expect(sessionExitCode(m.runs)).toBe(2);
  });

  it('refuses another session, a run reported twice, and no summaries at all', () => {
    expect(() => mergeSummaries([{ file: 'a.json', summary: shards[0]! }, { file: 'b.json', summary: summary(null, [], 10) }])).toThrow(/^b\.json: comes from another session \(seed 10/);
    expect(() => mergeSummaries([{ file: 'a.json', summary: shards[0]! }, { file: 'b.json', summary: shards[0]! }])).toThrow('b.json: run etcd-register-none#1 is in two summaries (also a.json); merge each shard once');
    expect(() => mergeSummaries([])).toThrow('--merge found no torture summary');
  });
});

describe('sessionExitCode', () => {
  it('invalid > crashed > bad input > unknown or not run > valid; nothing run is not a pass', () => {
    const code = (...vs: TortureVerdict[]) => sessionExitCode(vs.map((v, i) => ran(i % 4, v)));
    expect(code('valid', 'valid')).toBe(0);
    expect(code('valid', 'unknown')).toBe(2);
    expect(code('valid', 'not-run')).toBe(2);
    expect(code('bad-input', 'unknown')).toBe(254);
    expect(code('crashed', 'bad-input', 'unknown')).toBe(255);
    expect(code('crashed', 'invalid')).toBe(1);
    expect(sessionExitCode([])).toBe(2);
  });
});

describe('renderTable', () => {
  it('one aligned row per run: verdict, anomalies, ops, faults, duration, path', () => {
    const runs = [ran(0), { ...ran(1, 'invalid'), anomalyTypes: ['G2-item', 'write-skew'] }, notRun(plan.runs[2]!, '', 'x')];
    expect(renderTable(runs, '/store')).toBe(
      [
        'run                        verdict  anomalies           ops ok/invoked  faults  duration  path',
        'etcd-register-none#1       valid    -                   9/10            2       1.5 s     etcd-register-none/0',
        'etcd-register-partition#1  INVALID  G2-item,write-skew  9/10            2       1.5 s     etcd-register-partition/1',
        'etcd-register-none#2       not-run  -                   -               0       -         -',
      ].join('\n'),
    );
  });
});
