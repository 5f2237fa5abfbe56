import { join } from 'node:path';
import { copyNodeLogs } from '../../harness/store/node-logs.ts';
import type { Cluster } from '../../harness/cluster.ts';
import { composeNemeses } from '../../nemesis/compose.ts';
import type { NemesisContext, NemesisFactory, NemesisPackage } from '../../harness/nemesis.ts';
import { clientFactory, type Workload } from '../../workloads/workload.ts';
import { clientNodeIndex, type Client } from '../../harness/client.ts';
import type { FullDatabase } from '../../harness/database.ts';
import { log as logOp, sleep } from '../../harness/generator/basic.ts';
import { any, clients, concat, nemesis as onNemesis, phases, stagger, timeLimit } from '../../harness/generator/combinators.ts';
import { thenWithKeys } from '../../harness/generator/keys-seen.ts';
import type { Generator } from '../../harness/generator/generator.ts';
import type { Op } from '../../harness/history/op.ts';
import { Random } from '../../harness/random.ts';
import { interpret } from '../../harness/scheduler/interpreter.ts';
import { ClientWorker, NemesisWorker } from '../../harness/scheduler/workers.ts';
import { onShutdown } from '../../harness/shutdown.ts';
import { createRunDir } from '../../harness/store/store.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import type { Backend } from '../../harness/backend.ts';
import { gateVerdict } from '../gate/verdict.ts';
import { runCheckers } from './check-run.ts';
import { Cleanup, abortable } from './cleanup.ts';
import { FileLogger, type Logger } from '../../harness/logger.ts';
import { replayCommand } from '../../harness/replay.ts';
import { writeReport } from '../../reports/write-report.ts';
import { availabilityPerFault, type FaultAvailability } from '../../harness/faults/availability.ts';
import { faultWindows, type FaultWindow } from '../../harness/faults/windows.ts';
import { openHistory, writeResults, writeTestSpec } from '../../harness/store/run-folder.ts';
import { countOps, type RunResult } from '../../harness/store/run-result.ts';
import { errorText } from '../../harness/errors.ts';

export type RunPhase = 'prepare' | 'cluster' | 'db-setup' | 'workload' | 'teardown' | 'check' | 'report';

/** Optional hooks on a run's progress (a status line, a torture table). All are synchronous and cheap. */
export interface RunObserver {
  onStart?(info: { dir: string; spec: TestSpec }): void;
  onPhase?(phase: RunPhase): void;
  /** Every op as it is recorded: keep it O(1). */
  onOp?(op: Op): void;
}

export interface RunDeps {
  backend: Backend;
  db: FullDatabase;
  workload: Workload;
  /** Fault classes, already resolved from `spec.nemesis`. */
  nemeses: readonly NemesisFactory[];
  /** Root of the store (`store` by default). */
  storeRoot: string;
  /** Human progress lines; the log file gets them too. */
  print?: (line: string) => void;
  /** Aborting (SIGINT, SIGTERM) stops the workload at once, then heals and tears down. */
  signal?: AbortSignal;
  observer?: RunObserver;
  /** How long in-flight ops get after an abort (default 3 s). */
  drainMs?: number;
}

export interface RunOutcome {
  result: RunResult;
  /** Set when the run failed for a reason other than its verdict (setup, contract, teardown). */
  error?: unknown;
}

const SEC = 1e9;

/** The run's whole schedule as one generator: faults beside the workload, then heal, recovery, final ops. */
export function runGenerator(spec: TestSpec, workload: Workload, nemesis: NemesisPackage | undefined, random: Random): Generator {
  const ops = workload.generator(spec, random.fork('workload'));
  const paced = spec.rate > 0 ? stagger(SEC / spec.rate, ops, random.fork('rate')) : ops;
  const main = timeLimit(spec.timeLimit * SEC, nemesis ? any(clients(paced), onNemesis(nemesis.generator)) : clients(paced));
  const after: Generator[] = [];
  if (nemesis?.final) after.push(logOp('healing every fault'), onNemesis(nemesis.final));
  if (nemesis && spec.recovery > 0) after.push(logOp(`recovery window: ${spec.recovery} s`), onNemesis(sleep(spec.recovery * SEC)));
  const schedule = after.length === 0 ? main : phases(main, ...after);
  const makeFinal = workload.finalGenerator;
  if (!makeFinal) return schedule;
  // Final ops see the keys the run touched (read each of them back from every node).
  return thenWithKeys(schedule, (keys) => phases(concat(logOp('final operations'), clients(makeFinal(spec, random.fork('final'), keys)))));
}

/**
 * One test, end to end: store folder, engine and image, cluster, database, clients, nemesis,
 * workload, then — always, in `finally` — heal, close, copy node logs, tear down; then check the
 * history and write `results.json`. Resolves with the result even when the run failed (its
 * `error` says why, and `outcome.error` holds the cause for the exit code).
 */
export async function runTest(spec: TestSpec, deps: RunDeps): Promise<RunOutcome> {
  const started = new Date();
  const t0 = performance.now();
  const dir = await createRunDir(deps.storeRoot, spec.name, started);
  await writeTestSpec(dir.path, spec);
  const log = new FileLogger(dir.file('faultline.log'), deps.print);
  const history = openHistory(dir.path);
  // A crash or a forced exit still gets the buffered ops onto disk.
  const unhook = onShutdown(`flush ${dir.file('history.jsonl')}`, () => history.flush());
  const observer = deps.observer ?? {};
  observer.onStart?.({ dir: dir.path, spec });
  const signal = deps.signal ?? new AbortController().signal;
  const cleanup = new Cleanup(log);
  const random = Random.fromSeed(spec.seed);
  const runId = `${spec.name}-${dir.path.split('/').slice(-1)[0]!.replace(/[^0-9-]/g, '')}-${process.pid}`;
  log.info(`${spec.name}: seed ${spec.seed}, ${spec.nodes} nodes, concurrency ${spec.concurrency}, rate ${spec.rate || 'unlimited'}/s, ${spec.timeLimit} s${spec.nemesis.length ? `, nemesis ${spec.nemesis.join(',')} every ${spec.nemesisInterval} s` : ''}`);
  log.info(`run folder: ${dir.path}`);

  let ops: Op[] = [];
  let interrupted = false;
  let failure: unknown;
  try {
    observer.onPhase?.('prepare');
    await abortable(deps.backend.prepare(deps.db, log), signal);
    observer.onPhase?.('cluster');
    const cluster = await abortable(deps.backend.createCluster({ runId, nodes: spec.nodes, db: deps.db }, log), signal);
    cleanup.add('remove the cluster', () => cluster.teardown());
    // Interrupted: removing the containers stops the database at once; a graceful stop only delays the exit.
    cleanup.add(`tear down ${deps.db.name}`, async () => {
      if (!signal.aborted) await deps.db.teardown(cluster, spec);
    });
    cleanup.add('copy node logs', async () => {
      for (const problem of await copyNodeLogs(cluster, deps.db, join(dir.path, 'nodes'))) log.warn(`could not copy a node log: ${problem}`);
    });
    observer.onPhase?.('db-setup');
    log.info(`setting up ${deps.db.name} on ${cluster.nodes.map((n) => n.name).join(', ')}`);
    await abortable(deps.db.setup(cluster, spec), signal);
    const versions = await deps.db.versions?.(cluster).catch(() => undefined);
    spec = { ...spec, versions: { ...spec.versions, ...versions, node: process.version } };
    await writeTestSpec(dir.path, spec);

    const nemesisPkg = deps.nemeses.length === 0 ? undefined : composeNemeses(deps.nemeses.map((f) => f.create({ test: spec, db: deps.db, intervalNs: spec.nemesisInterval * SEC, random: random.fork(`nemesis-schedule:${f.name}`), variants: spec.nemesisVariants?.[f.name] ?? [] })));
    let nemesisWorker: NemesisWorker | undefined;
    if (nemesisPkg) {
      const ctx: NemesisContext = { cluster, db: deps.db, test: spec, random: random.fork('nemesis').stream(), log };
      cleanup.add('heal faults', () => nemesisPkg.nemesis.teardown(ctx));
      await abortable(nemesisPkg.nemesis.setup?.(ctx) ?? Promise.resolve(), signal);
      nemesisWorker = new NemesisWorker(nemesisPkg.nemesis, ctx);
    }

    const makeClient = clientFactory(deps.workload, deps.db);
    if (!makeClient) throw new Error(`workload ${deps.workload.name} has no client for ${deps.db.name}`);
    const who = `the ${deps.workload.name} client for ${deps.db.name}`;
    const open = (c: ReturnType<typeof makeClient>, node: string) => c.open(cluster, spec, node, { dir: dir.path });
    const workers = Array.from({ length: spec.concurrency }, (_, t) => new ClientWorker(cluster.nodes[clientNodeIndex(t, cluster.nodes.length)]!.name, makeClient, open, who));
    cleanup.add('close clients', async () => {
      await Promise.allSettled(workers.map((w) => w.close()));
    });
    await abortable(setupClients(makeClient, open, cluster, workers, log), signal);

    observer.onPhase?.('workload');
    log.info(`running the workload for ${spec.timeLimit} s`);
    const run = await interpret({
      generator: runGenerator(spec, deps.workload, nemesisPkg, random),
      concurrency: spec.concurrency,
      clients: workers,
      nemesis: nemesisWorker,
      record: (op) => {
        history.append(op);
        observer.onOp?.(op);
      },
      log,
      signal,
      drainMs: deps.drainMs,
    });
    ops = run.history;
    interrupted = run.interrupted;
    if (run.error) throw run.error;
  } catch (err) {
    failure = err;
    if (signal.aborted && isAbort(err)) {
      interrupted = true;
      failure = undefined;
    } else {
      log.warn(`run failed: ${errorText(err)}`);
    }
  } finally {
    observer.onPhase?.('teardown');
    const problems = await cleanup.run();
    history.close();
    unhook();
    if (problems.length > 0 && failure === undefined) failure = new Error(`cleanup failed: ${problems.join('; ')}`);
  }

  observer.onPhase?.('check');
  if (interrupted) log.info('interrupted: checking the history recorded so far');
  const checks = await runCheckers(ops, deps.workload.checkers(spec), interrupted ? 10_000 : undefined);
  const counts = countOps(ops);
  const errorMessage = failure === undefined ? undefined : errorText(failure);
  const { valid, incomplete } = gateVerdict(checks.composed, { interrupted, skipped: checks.skipped, ops: counts, ...(errorMessage === undefined ? {} : { error: errorMessage }) });
  const result: RunResult = {
    ...checks.composed,
    valid,
    incomplete,
    test: spec.name,
    db: spec.db,
    workload: spec.workload,
    seed: spec.seed,
    dir: dir.path,
    runId,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    ops: counts,
    interrupted,
    skipped: checks.skipped,
    ...(errorMessage === undefined ? {} : { error: errorMessage }),
    replay: replayCommand(spec, deps.storeRoot),
    ...faultFacts(ops, spec),
  };
  await writeResults(dir.path, result);
  observer.onPhase?.('report');
  try {
    await writeReport({ test: spec, history: ops, results: result, runDir: dir.path });
  } catch (err) {
    // The verdict stands without its picture; `faultline report` can draw it later.
    log.warn(`could not write report.html: ${errorText(err)}`);
  }
  log.info(`verdict: ${valid === true ? 'valid' : valid === false ? 'INVALID' : 'unknown'} (${result.ops.ok} ok, ${result.ops.fail} fail, ${result.ops.info} info) in ${(result.durationMs / 1000).toFixed(1)} s`);
  return failure === undefined ? { result } : { result, error: failure };
}

async function setupClients(
  makeClient: () => Client,
  open: (c: Client, node: string) => Promise<void>,
  cluster: Cluster,
  workers: ClientWorker[],
  log: Logger,
): Promise<void> {
  const probe = makeClient();
  if (probe.setup) {
    await open(probe, cluster.nodes[0]!.name);
    try {
      await probe.setup();
    } finally {
      await probe.close();
    }
  } else {
    await probe.close().catch(() => undefined);
  }
  const failures = await Promise.all(workers.map((w, t) => w.warm(t)));
  failures.forEach((f, t) => f && log.warn(`client ${t} could not open on ${workers[t]!.node} (its first op will retry): ${f}`));
}

/**
 * The fault windows, stored so the report shades exactly these, and availability per window. A
 * window closed by the final heal is followed by the recovery window, in which clients are idle on
 * purpose: its "heal → first ok" would measure that wait, not the system, so it is left out.
 */
function faultFacts(ops: readonly Op[], spec: TestSpec): { faultWindows?: FaultWindow[]; availability?: FaultAvailability[] } {
  const windows = faultWindows(ops);
  if (windows.length === 0) return {};
  const mainEnd = spec.timeLimit * SEC;
  return {
    faultWindows: windows,
    availability: availabilityPerFault(ops, windows).map((a) => {
      if (a.end < mainEnd || a.healToFirstOkMs === undefined) return a;
      const { healToFirstOkMs: _, ...rest } = a;
      return rest;
    }),
  };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
