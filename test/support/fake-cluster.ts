import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Cluster, ExecOptions, ExecResult, NodeInfo } from '../../harness/cluster.ts';
import type { DatabaseDefinition, FullDatabase } from '../../harness/database.ts';
import { Registry } from '../../harness/registry.ts';
import type { RunEnvironment } from '../../cli/run/environment.ts';
import type { Backend } from '../../harness/backend.ts';
import type { TestSpec } from '../../harness/test-spec.ts';

/**
 * A cluster with no nodes behind it: it records what was asked of it. Nothing here sends
 * traffic anywhere; lifecycle tests use it to see that every step and every cleanup happened.
 */
export class FakeCluster implements Cluster {
  readonly nodes: NodeInfo[];
  readonly calls: string[] = [];
  /** What was fed to commands' stdin, by call (`netExec n1 iptables-restore -w --noflush` → the rules). */
  readonly stdin = new Map<string, string[]>();
  /** Files written into nodes, by `node:path`; readFile reads them back. */
  readonly files = new Map<string, string>();
  /** Answers a command instead of the default (exit 0, no output): a test plays the node's tools. */
  answer?: (node: string, argv: readonly string[], options?: ExecOptions) => Partial<ExecResult> | undefined;
  tornDown = false;

  constructor(
    readonly runId: string,
    count: number,
  ) {
    this.nodes = Array.from({ length: count }, (_, i) => ({ name: `n${i + 1}`, ip: `192.0.2.${i + 1}` }));
  }

  private async call(what: string, answer?: Partial<ExecResult>): Promise<ExecResult> {
    if (this.tornDown) throw new Error(`${what} after teardown`);
    this.calls.push(what);
    return { exitCode: 0, stdout: '', stderr: '', ...answer };
  }

  private run(kind: string, node: string, argv: string[], options?: ExecOptions): Promise<ExecResult> {
    const what = `${kind} ${node} ${argv.join(' ')}`;
    if (options?.stdin !== undefined) this.stdin.set(what, [...(this.stdin.get(what) ?? []), options.stdin]);
    return this.call(what, this.answer?.(node, argv, options));
  }

  exec(node: string, argv: string[], options?: ExecOptions) {
    return this.run('exec', node, argv, options);
  }
  netExec(node: string, argv: string[], options?: ExecOptions) {
    return this.run('netExec', node, argv, options);
  }
  async signal(node: string, pattern: string, signal: string) {
    await this.call(`signal ${node} ${pattern} ${signal}`);
    return 1;
  }
  async countProcesses(node: string, pattern: string) {
    await this.call(`countProcesses ${node} ${pattern}`);
    return 0;
  }
  async pause(node: string) {
    await this.call(`pause ${node}`);
  }
  async unpause(node: string) {
    await this.call(`unpause ${node}`);
  }
  async writeFile(node: string, path: string, content: string | Buffer) {
    await this.call(`writeFile ${node} ${path}`);
    this.files.set(`${node}:${path}`, content.toString());
  }
  async readFile(node: string, path: string) {
    await this.call(`readFile ${node} ${path}`);
    return Buffer.from(this.files.get(`${node}:${path}`) ?? '');
  }
  async copyOut(node: string, path: string, destDir: string) {
    await this.call(`copyOut ${node} ${path}`);
    await mkdir(destDir, { recursive: true });
    await writeFile(join(destDir, basename(path)), `log of ${node}\n`);
  }
  async teardown() {
    this.calls.push('teardown');
    this.tornDown = true;
  }
}

export interface FakeDatabaseOptions {
  setupError?: Error;
  /** Setup never finishes (only an abort gets the run past it). */
  setupHangs?: boolean;
  /** Runs at setup: a fresh database per run (clear a shared in-memory store). */
  onSetup?: () => void;
  /** The clients it brings, by workload name (an in-memory register, say). */
  clients?: FullDatabase['clients'];
}

export function fakeDatabase(name: string, options: FakeDatabaseOptions = {}): FullDatabase & { events: string[] } {
  const events: string[] = [];
  return {
    name,
    image: { ref: name },
    events,
    async setup(_cluster: Cluster, _test: TestSpec) {
      events.push('setup');
      options.onSetup?.();
      if (options.setupHangs) await new Promise(() => undefined);
      if (options.setupError) throw options.setupError;
    },
    async teardown() {
      events.push('teardown');
    },
    async versions() {
      return { [name]: '0.0-fake' };
    },
    logFiles: () => ['/var/log/db.log'],
    ...(options.clients ? { clients: options.clients } : {}),
  };
}

export function fakeBackend(): Backend & { clusters: FakeCluster[]; prepared: string[] } {
  const clusters: FakeCluster[] = [];
  const prepared: string[] = [];
  return {
    name: 'fake',
    clusters,
    prepared,
    async prepare(db) {
      prepared.push('ref' in db.image ? db.image.ref : db.image.name);
    },
    async createCluster(request) {
      const c = new FakeCluster(request.runId, request.nodes);
      clusters.push(c);
      return c;
    },
  };
}

/** A run environment on the fake backend with these databases (fresh instances per run, as the real registry makes them). */
export function fakeEnvironment(dbs: Record<string, () => FullDatabase>): RunEnvironment {
  const databases = new Registry<DatabaseDefinition>('database');
  for (const [name, create] of Object.entries(dbs)) databases.register({ name, description: `a fake ${name} (tests)`, create });
  return { backend: fakeBackend(), databases };
}
