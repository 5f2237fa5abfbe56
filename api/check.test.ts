import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../test/support/test-dir.ts';
import { HistoryBuilder, writeSkewHistory } from '../test/support/history-builder.ts';
import { runCli } from '../test/support/cli-in-process.ts';
import { opToJsonLine } from '../harness/history/jsonl.ts';
import { check, InputError, readHistory, type CheckResult, type Model, type Op } from './index.ts';
import { casRegisterModel, checkerNames, consistencyModels, modelNames } from './checkers.ts';

const dir = testDir('faultline-api-');

// Ops as a user writes them in a test: no index, no time (they default to the position).
const linearizable = [
  { type: 'invoke', process: 0, f: 'write', value: 1 },
  { type: 'ok', process: 0, f: 'write', value: 1 },
  { type: 'invoke', process: 1, f: 'read', value: null },
  { type: 'ok', process: 1, f: 'read', value: 1 },
] as const;
const stale = [
  { type: 'invoke', process: 0, f: 'write', value: 1 },
  { type: 'ok', process: 0, f: 'write', value: 1 },
  { type: 'invoke', process: 1, f: 'read', value: null },
  { type: 'ok', process: 1, f: 'read', value: null },
] as const;

describe('check()', () => {
  it('checks ops built in code: a linearizable history is valid, a stale read is not', async () => {
    const ok = await check(linearizable.map((op) => ({ ...op })), { checker: 'linearizable', model: 'cas-register' });
    expect(ok).toMatchObject({ valid: true, model: 'cas-register', ops: 4, keys: 1, checker: 'linearizable', anomalies: [] });
    const bad = await check(stale.map((op) => ({ ...op })), { checker: 'linearizable', model: 'cas-register' });
    expect(bad.valid).toBe(false);
    expect(bad.anomalyTypes).toEqual(['nonlinearizable']);
    expect(bad.anomalies[0]!.text).toMatch(/^read → nil by process 1 \(ops 2–3\) cannot be linearized/);
  });

  it('checks against a model defined in the test, registering nothing', async () => {
    // A counter: add n, read → the sum so far.
    const counter: Model<number> = {
      name: 'counter',
      fs: ['add', 'read'],
      init: () => 0,
      step: (sum, op) => (op.f === 'add' ? sum + (op.value as number) : op.crashed || op.output === sum ? sum : undefined),
      readOnly: (op) => op.f === 'read',
    };
    const before = modelNames();
    const h = new HistoryBuilder().invoke(0, 'add', 2).invoke(1, 'read', null).ok(0).ok(1, 2).invoke(1, 'read', null).ok(1, 2).build();
    expect((await check(h, { checker: 'linearizable', model: counter })).valid).toBe(true);
    const lost = new HistoryBuilder().invoke(0, 'add', 2).ok(0).invoke(0, 'add', 3).ok(0).invoke(1, 'read', null).ok(1, 3).build();
    const r = await check(lost, { checker: 'linearizable', model: counter });
    expect([r.valid, r.model]).toEqual([false, 'counter']);
    expect(r.anomalies[0]!.text).toContain('read → 3 by process 1');
    expect(modelNames()).toEqual(before);
  });

  it('gives the object `faultline check --json` prints, for every checker and consistency model the CLI has', async () => {
    const h = writeSkewHistory();
    const file = join(dir, 'write-skew.jsonl');
    await writeFile(file, h.map(opToJsonLine).join('\n'));
    const cases: { options: { checker: string; consistencyModel?: string }; flags: string[] }[] = [
      ...checkerNames().map((checker) => ({ options: { checker }, flags: ['--checker', checker] })),
      ...consistencyModels().map((m) => ({ options: { checker: 'list-append', consistencyModel: m }, flags: ['--checker', 'list-append', '--consistency-model', m] })),
    ];
    const verdicts = new Set<unknown>();
    for (const { options, flags } of cases) {
      const cli = await runCli(['check', file, ...flags, '--json']);
      let api: CheckResult;
      try {
        api = await check(h, options);
      } catch (err) {
        // Where the CLI refuses the input (exit 254), check() throws the same message.
        expect(err).toBeInstanceOf(InputError);
        expect([cli.code, cli.stderr]).toEqual([254, `faultline: ${(err as Error).message}\n`]);
        continue;
      }
      const { file: printedFile, ...printed } = JSON.parse(cli.stdout) as CheckResult & { file: string };
      expect(printedFile).toBe(file);
      // Timings differ from run to run; everything else is the same object, in the same order.
      const { stats: apiStats, ...apiRest } = api;
      const { stats: cliStats, ...cliRest } = printed;
      expect(apiRest, JSON.stringify(options)).toEqual(cliRest);
      expect(Object.keys(apiStats ?? {})).toEqual(Object.keys(cliStats ?? {}));
      expect(Object.keys(printed)).toEqual(Object.keys(api));
      verdicts.add(api.valid);
    }
    // The cases are not all one verdict: write skew is invalid under serializable, valid under SI.
    expect([...verdicts].sort()).toEqual([false, true, 'unknown'].sort());
  });

  it('refuses bad options and malformed histories with an InputError that says what is wrong', async () => {
    const h = linearizable.map((op) => ({ ...op }));
    const refused = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message;
    };
    expect(await refused(check(h, { checker: 'linearizable', model: 'queue' }))).toBe('unknown model "queue"; expected one of cas-register, fifo-queue, kv, mutex, register, set');
    expect(await refused(check(h, { checker: 'linearisable' }))).toMatch(/^unknown checker "linearisable"; expected one of .*linearizable/);
    expect(await refused(check(h, { checker: 'list-append', consistencyModel: 'serialisable' }))).toMatch(/^unknown consistency model "serialisable"; expected one of /);
    expect(await refused(check(h, {} as never))).toBe("check(history, options): options.checker must be a checker's name or a checker object, got undefined");
    expect(await refused(check('h.edn' as never, { checker: 'stats' }))).toBe('check(history, options): history must be an array of ops, got string');
    const notAModel = { name: 'm', fs: [], init: () => 0 } as unknown as Model<number>;
    expect(await refused(check(h, { checker: 'linearizable', model: notAModel }))).toBe('the model is not one: "fs" must be a non-empty array of the op names (f) it understands; "step" must be a function');
    expect(await refused(check([{ type: 'invoke', process: 0, value: 1 } as unknown as Op], { checker: 'stats' }))).toBe('history[0]: expected "f": a non-empty string');
    const twoInFlight = [h[0]!, { ...h[0]!, value: 2 }];
    expect(await refused(check(twoInFlight, { checker: 'stats' }))).toBe('malformed history at op 1: process 0 invoked write while op 0 (write) is still in flight');
  });
});

describe('readHistory()', () => {
  it('reads a file, a file URL or text in any format check reads, and refuses bad input naming the line', async () => {
    const file = join(dir, 'h.jsonl');
    const ops = linearizable.map((op, index) => ({ ...op, index, time: index }));
    await writeFile(file, ops.map((op) => JSON.stringify(op)).join('\n'));
    expect(await readHistory(file)).toEqual(ops);
    expect(await readHistory(new URL(`file://${file}`))).toEqual(ops);
    const edn = '{:type :invoke, :f :write, :value 1, :process 0}\n{:type :ok, :f :write, :value 1, :process 0}\n{:type :invoke, :f :read, :value nil, :process 1}\n{:type :ok, :f :read, :value 2, :process 1}\n';
    const fromText = await readHistory({ text: edn, name: 'stale.edn' });
    expect((await check(fromText, { checker: 'linearizable', model: casRegisterModel })).valid).toBe(false);
    await expect(readHistory({ text: '{:type :invoke, :f :read\n', name: 'cut.edn' })).rejects.toThrow(/^cut\.edn:1: EDN: /);
    await expect(readHistory(join(dir, 'none.edn'))).rejects.toThrow(`${join(dir, 'none.edn')}: no such file`);
    await expect(readHistory(42 as never)).rejects.toThrow('readHistory(source): source must be a file path, a file URL or { text }, got number');
  });
});
