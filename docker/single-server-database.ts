import { findNode, type Cluster, type NodeInfo } from '../harness/cluster.ts';
import type { ClockAware, Database, HasPrimary, Killable, LogFiles, NodeImage, Pausable } from '../harness/database.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { FAKETIME_FILE, faketimeEnv } from '../harness/faketime.ts';
import type { ServerProcess } from './server-process.ts';

/** What every single-server database takes from its tests. */
export interface SingleServerOptions {
  /** How long a node may take to accept queries after (re)start, crash recovery included. */
  startTimeoutMs?: number;
  /** Run the server under libfaketime even without a clock nemesis (tests). */
  faketime?: boolean;
}

/**
 * A database whose every node is one independent server process (no replication): PostgreSQL and
 * MariaDB. The faults act on that process (docker/server-process.ts); a subclass says how to
 * initialise a node's data dir, the server's command line and how to ask it a query.
 */
export abstract class SingleServerDatabase implements Database, Killable, Pausable, HasPrimary, LogFiles, ClockAware {
  abstract readonly name: string;
  abstract readonly image: NodeImage;
  /** The server reads the wall clock through libc, which libfaketime wraps (each database's int test checks it). */
  readonly honoursFaketime = true;
  abstract readonly server: ServerProcess;
  protected withFaketime = false;

  constructor(
    protected readonly options: SingleServerOptions,
    private readonly logFile: string,
  ) {}

  async setup(cluster: Cluster, test: TestSpec): Promise<void> {
    this.withFaketime = test.nemesis.includes('clock') || this.options.faketime === true;
    this.configure(test);
    await Promise.all(
      cluster.nodes.map(async (node) => {
        await this.initNode(cluster, node);
        if (this.withFaketime) await cluster.writeFile(node.name, FAKETIME_FILE, '+0\n');
        await this.launch(cluster, node);
        await this.waitReady(cluster, node);
        await this.afterFirstStart(cluster, node);
      }),
    );
  }

  abstract teardown(cluster: Cluster, test: TestSpec): Promise<void>;

  kill(cluster: Cluster, node: string): Promise<void> {
    return this.server.kill(cluster, node);
  }

  /** Starts a killed server again on its data dir and waits until it answers; a running one is left alone. */
  async start(cluster: Cluster, node: string): Promise<void> {
    if (await this.server.running(cluster, node)) return;
    await this.launch(cluster, findNode(cluster, node));
    await this.waitReady(cluster, findNode(cluster, node));
  }

  pause(cluster: Cluster, node: string): Promise<void> {
    return this.server.pause(cluster, node);
  }

  resume(cluster: Cluster, node: string): Promise<void> {
    return this.server.resume(cluster, node);
  }

  /** Every node is the primary of its own data (no replication). */
  async primaries(cluster: Cluster): Promise<string[]> {
    return cluster.nodes.map((n) => n.name);
  }

  logFiles(): string[] {
    return [this.logFile];
  }

  /** Reads the test's options before any node starts. */
  protected configure(_test: TestSpec): void {}

  /** A fresh data dir on `node`. */
  protected abstract initNode(cluster: Cluster, node: NodeInfo): Promise<void>;

  /** After the first start of a fresh node (create the test's database, say). */
  protected async afterFirstStart(_cluster: Cluster, _node: NodeInfo): Promise<void> {}

  /** The server's command line on `node`. */
  protected abstract argv(node: NodeInfo): string[];

  /** Answers once the server on `node` runs a query. */
  protected abstract probe(node: NodeInfo): Promise<unknown>;

  private launch(cluster: Cluster, node: NodeInfo): Promise<void> {
    return this.server.launch(cluster, node.name, this.argv(node), this.withFaketime ? faketimeEnv() : undefined);
  }

  private waitReady(cluster: Cluster, node: NodeInfo): Promise<void> {
    return this.server.waitReady(cluster, node.name, () => this.probe(node), this.options.startTimeoutMs ?? 60_000);
  }
}
