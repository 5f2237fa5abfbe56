import type { Completion } from '../../harness/client.ts';
import type { PreparedTransactions, SqlDialect, SqlSession } from '../sql/sql-dialect.ts';
import { describe, TxnAbort } from '../sql/transaction.ts';
import { GID_PREFIX, type DecisionLog } from './decision-log.ts';

/** A transfer between accounts on different shards; `crash` simulates the coordinator dying. */
export interface ShardedTransfer {
  from: number;
  to: number;
  amount: number;
  /** Stop (as if the coordinator crashed) after PREPARE, or after logging the decision. */
  crash?: 'after-prepare' | 'after-decision';
}

/** One in-doubt transaction a recovery resolved. */
export interface Resolution {
  gid: string;
  shard: string;
  decision: 'commit' | 'abort';
  /** How long the shard had held it prepared (its locks held) when it was resolved, by the shard's clock. */
  heldMs: number;
}

/** Connections to every shard, made (again) on demand. */
export interface Shards {
  readonly names: readonly string[];
  /** The shard that holds `account`. */
  of(account: number): string;
  session(shard: string): Promise<SqlSession>;
}

/**
 * faultline as a two-phase-commit coordinator over SQL shards that offer prepared transactions
 * (PostgreSQL's PREPARE TRANSACTION / COMMIT PREPARED), with its decisions in a durable
 * {@link DecisionLog}. Each shard keeps an `applied` ledger row per global transaction, written in
 * the same local transaction as the balance change, so a half-applied transaction can be named
 * afterwards.
 */
export class Coordinator {
  private readonly twoPhase: PreparedTransactions;

  constructor(
    private readonly log: DecisionLog,
    private readonly shards: Shards,
    private readonly dialect: SqlDialect,
    /** How long to wait between PREPARE and the decision: a slow coordinator, a wider in-doubt window for faults to hit. */
    private readonly prepareHoldMs = 0,
  ) {
    if (!dialect.preparedTransactions) throw new Error(`${dialect.name} offers no prepared transactions, so it cannot be a 2PC shard`);
    this.twoPhase = dialect.preparedTransactions;
  }

  /**
   * Moves `amount` from one shard's account to another's. Any error before both PREPAREs
   * succeeded decides abort: `fail` (recovery rolls back whatever did prepare). Once commit is
   * logged the transfer is committed — `ok` even if a shard's COMMIT PREPARED failed (it is
   * listed under `pending`, and recovery commits it). A simulated coordinator crash is `info`.
   */
  async transfer(t: ShardedTransfer): Promise<Completion> {
    const gid = this.log.nextGid();
    const base = { from: t.from, to: t.to, amount: t.amount, gid };
    // Ascending account order: the lock order every transfer and read follows (see shardIndex).
    const parts = [
      { shard: this.shards.of(t.from), account: t.from, delta: -t.amount },
      { shard: this.shards.of(t.to), account: t.to, delta: t.amount },
    ].sort((a, b) => a.account - b.account);
    if (parts[0]!.shard === parts[1]!.shard) return { type: 'fail', value: base, error: `accounts ${t.from} and ${t.to} are on the same shard; a 2PC transfer needs two` };
    const sessions: SqlSession[] = [];
    try {
      for (const p of parts) sessions.push(await this.shards.session(p.shard));
    } catch (err) {
      return { type: 'fail', value: base, error: `not-connected: ${describe(this.dialect.classify(err))}` };
    }
    this.log.begin(gid);
    try {
      try {
        for (const [i, p] of parts.entries()) await this.localWork(sessions[i]!, gid, p.account, p.delta);
      } catch (err) {
        await Promise.all(sessions.map((s) => rollback(s)));
        return { type: 'fail', value: base, error: err instanceof TxnAbort ? `aborted: ${err.reason}` : describe(this.dialect.classify(err)) };
      }
      const prepares = await Promise.allSettled(sessions.map((s) => s.query(this.twoPhase.prepare(gid))));
      const preparedAt = performance.now();
      const failed = prepares.flatMap((r, i) => (r.status === 'rejected' ? [`${parts[i]!.shard}: ${describe(this.dialect.classify(r.reason))}`] : []));
      if (failed.length > 0) {
        this.log.decide(gid, 'abort');
        // Shards that prepared are rolled back now if they answer; otherwise recovery does it.
        await Promise.all(prepares.map((r, i) => (r.status === 'fulfilled' ? sessions[i]!.query(this.twoPhase.rollback(gid)).catch(() => {}) : rollback(sessions[i]!))));
        return { type: 'fail', value: base, error: `prepare failed, aborted: ${failed.join('; ')}` };
      }
      if (this.prepareHoldMs > 0) await new Promise((resolve) => setTimeout(resolve, this.prepareHoldMs));
      if (t.crash === 'after-prepare') return { type: 'info', value: base, error: 'coordinator crash (simulated) after PREPARE: in doubt until recovery' };
      const decision = this.log.decide(gid, 'commit');
      if (decision === 'abort') {
        await Promise.all(sessions.map((s) => s.query(this.twoPhase.rollback(gid)).catch(() => {})));
        return { type: 'fail', value: base, error: 'recovery decided abort first' };
      }
      if (t.crash === 'after-decision') return { type: 'info', value: base, error: 'coordinator crash (simulated) after logging commit: recovery must commit it' };
      const commits = await Promise.allSettled(sessions.map((s) => s.query(this.twoPhase.commit(gid))));
      const pending = commits.flatMap((r, i) => (r.status === 'rejected' ? [parts[i]!.shard] : []));
      const heldMs = Math.round((performance.now() - preparedAt) * 1000) / 1000;
      return { type: 'ok', value: { ...base, heldMs, ...(pending.length > 0 ? { pending } : {}) } };
    } finally {
      this.log.end(gid);
    }
  }

  /** Every balance on every shard, read under shared row locks held until all are read (so never mid-transfer). */
  async read(): Promise<Completion> {
    const sessions: SqlSession[] = [];
    try {
      for (const shard of this.shards.names) sessions.push(await this.shards.session(shard));
      const balances: Record<string, number> = {};
      for (const s of sessions) await s.query('BEGIN');
      for (const s of sessions) {
        for (const r of await s.query('SELECT id, balance FROM accounts ORDER BY id FOR SHARE')) balances[String(r.id)] = Number(r.balance);
      }
      for (const s of sessions) await s.query('COMMIT');
      return { type: 'ok', value: balances };
    } catch (err) {
      await Promise.all(sessions.map((s) => rollback(s)));
      return { type: 'fail', value: null, error: describe(this.dialect.classify(err)) };
    }
  }

  /**
   * Resolves every prepared transaction of faultline's on every reachable shard per the log:
   * commit if commit was logged, else abort (deciding abort first, so a late coordinator cannot
   * commit it). Transactions a live coordinator is still working on are left to it.
   */
  async recover(): Promise<Completion> {
    const resolved: Resolution[] = [];
    const unreachable: string[] = [];
    let skipped = 0;
    for (const shard of this.shards.names) {
      try {
        const s = await this.shards.session(shard);
        const rows = await s.query(this.twoPhase.listPrepared(GID_PREFIX));
        for (const r of rows) {
          const gid = String(r.gid);
          if (this.log.isInFlight(gid)) {
            skipped++;
            continue;
          }
          const decision = this.log.decision(gid) ?? this.log.decide(gid, 'abort');
          const done = await s.query(decision === 'commit' ? this.twoPhase.commit(gid) : this.twoPhase.rollback(gid)).then(
            () => true,
            (err: unknown) => {
              // Gone already: another recovery got there first.
              if (this.twoPhase.isUnknownGid(err)) return false;
              throw err;
            },
          );
          if (done) resolved.push({ gid, shard, decision, heldMs: Math.round(Number(r.held_ms)) });
        }
      } catch (err) {
        unreachable.push(`${shard}: ${describe(this.dialect.classify(err))}`);
      }
    }
    return { type: 'ok', value: { resolved, skipped, ...(unreachable.length > 0 ? { unreachable } : {}) } };
  }

  /** The final evidence: each shard's applied ledger and any prepared transaction still in doubt. */
  async ledger(): Promise<Completion> {
    const applied: Record<string, { gid: string; account: number; delta: number }[]> = {};
    const inDoubt: Record<string, string[]> = {};
    try {
      for (const shard of this.shards.names) {
        const s = await this.shards.session(shard);
        applied[shard] = (await s.query('SELECT gid, account, delta FROM applied ORDER BY gid')).map((r) => ({ gid: String(r.gid), account: Number(r.account), delta: Number(r.delta) }));
        inDoubt[shard] = (await s.query(this.twoPhase.listPrepared(GID_PREFIX))).map((r) => String(r.gid));
      }
      return { type: 'ok', value: { applied, inDoubt } };
    } catch (err) {
      return { type: 'fail', value: null, error: describe(this.dialect.classify(err)) };
    }
  }

  private async localWork(s: SqlSession, gid: string, account: number, delta: number): Promise<void> {
    await s.query('BEGIN');
    // The balance check and change are one statement: no read-modify-write across statements.
    const p = this.dialect.param;
    const rows = await s.query(`UPDATE accounts SET balance = balance + ${p(1)} WHERE id = ${p(2)} AND balance + ${p(3)} >= 0 RETURNING balance`, [delta, account, delta]);
    if (rows.length === 0) throw new TxnAbort(`insufficient funds in account ${account} for ${-delta}`);
    await s.query(`INSERT INTO applied (gid, account, delta) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [gid, account, delta]);
  }
}

async function rollback(s: SqlSession): Promise<void> {
  if (s.alive) await s.query('ROLLBACK').catch(() => s.destroy());
}
