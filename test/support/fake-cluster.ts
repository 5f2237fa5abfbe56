import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Cluster, ExecResult, NodeInfo } from '../../harness/cluster.ts';
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
  tornDown = false;

  constructor(
    readonly runId: string,
    count: number,
  ) {
    this.nodes = Array.from({ length: count }, (_, i) => ({ name: `n${i + 1}`, ip: `192.0.2.${i + 1}` }));
  }

  private async call(what: string): Promise<ExecResult> {
    if (this.tornDown) throw new Error(`${what} after teardown`);
    this.calls.push(what);
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  exec(node: string, argv: string[]) {
    return this.call(`exec ${node} ${argv.join(' ')}`);
  }
  netExec(node: string, argv: string[]) {
    return this.call(`netExec ${node} ${argv.join(' ')}`);
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
  async writeFile(node: string, path: string) {
    await this.call(`writeFile ${node} ${path}`);
  }
  async readFile(node: string, path: string) {
    await this.call(`readFile ${node} ${path}`);
    return Buffer.from('');
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
  setupDelayMs?: number;
  /** Runs at setup: a fresh database per run (clear a shared in-memory store). */
  onSetup?: () => void;
  /** The clients it brings, by workload name (an in-memory register, say). */
  clients?: FullDatabase['clients'];
}

export function fakeDatabase(name: string, options: FakeDatabaseOptions = {}): FullDatabase & { events: string[] } {
  const events: string[] = [];
  return {
    name,
    image: name,
    events,
    async setup(_cluster: Cluster, _test: TestSpec) {
      events.push('setup');
      options.onSetup?.();
      if (options.setupDelayMs) await new Promise((r) => setTimeout(r, options.setupDelayMs));
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
      prepared.push(db.image);
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
