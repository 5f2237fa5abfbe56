import { findNode, type Cluster, type NodeInfo } from '../../harness/cluster.ts';
import type { Client, Completion, Invocation } from '../../harness/client.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { sessionOptions } from './sql-options.ts';
import type { SessionOptions, SqlDialect, SqlSession } from './sql-dialect.ts';
import { describe, runTransaction, type TxnBody } from './transaction.ts';

/** What one SQL workload does, the same on every dialect. */
export interface SqlProgram {
  readonly name: string;
  /** Creates its tables and initial rows (once per run, before any worker starts). */
  setup(session: SqlSession, dialect: SqlDialect, test: TestSpec): Promise<void>;
  /** The transaction that performs `op`; its result is the `ok` value. */
  transaction(op: Invocation, dialect: SqlDialect): TxnBody<unknown>;
}

/**
 * A client for a single-server SQL workload: one connection to the node it was opened on, every
 * op one transaction at the test's isolation level. A broken connection is replaced before the
 * next op; an op that cannot even connect is a `fail` (nothing was sent).
 */
export class SqlClient implements Client {
  private session: SqlSession | undefined;
  private node: NodeInfo | undefined;
  private options: SessionOptions | undefined;
  private test: TestSpec | undefined;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly program: SqlProgram,
  ) {}

  async open(cluster: Cluster, test: TestSpec, node: string): Promise<void> {
    this.node = findNode(cluster, node);
    this.options = sessionOptions(test);
    this.test = test;
    this.session = await this.dialect.connect(this.node, this.options);
  }

  async setup(): Promise<void> {
    await this.program.setup(this.connected(), this.dialect, this.test!);
  }

  async invoke(op: Invocation): Promise<Completion> {
    if (!this.node || !this.options) throw new Error('invoke before open');
    if (!this.session?.alive) {
      try {
        this.session = await this.dialect.connect(this.node, this.options);
      } catch (err) {
        this.session = undefined;
        return { type: 'fail', value: op.value, error: `not-connected: ${describe(this.dialect.classify(err))}` };
      }
    }
    const outcome = await runTransaction(this.session, this.dialect, this.program.transaction(op, this.dialect));
    return outcome.type === 'ok' ? { type: 'ok', value: outcome.value } : { type: outcome.type, value: op.value, error: outcome.error };
  }

  async close(): Promise<void> {
    this.session?.destroy();
    this.session = undefined;
  }

  private connected(): SqlSession {
    if (!this.session?.alive) throw new Error(`${this.program.name} client: no connection to ${this.node?.name ?? 'any node'}`);
    return this.session;
  }

  toString(): string {
    return `${this.program.name} client for ${this.dialect.name} on ${this.node?.name ?? '(not open)'}`;
  }
}
