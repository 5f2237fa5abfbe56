import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvironmentError } from '../../harness/errors.ts';

export type Decision = 'commit' | 'abort';

/** One line of the log file. */
interface Entry {
  gid: string;
  decision: Decision;
  /** ms since the epoch, when it was decided. */
  at: number;
}

/** Every global transaction id faultline makes starts with this, so recovery leaves others alone. */
export const GID_PREFIX = 'fl-';

const open = new Map<string, DecisionLog>();

/**
 * The 2PC coordinator's decision log: an append-only JSON Lines file (in the run's store), one
 * decision per global transaction, each fsynced before it is acted on. The decision is the
 * commit point: once `commit` is on disk the transaction commits everywhere, whatever crashes;
 * without a decision a prepared transaction is aborted (presumed abort).
 *
 * Decide-once: the first decision for a gid wins, so a coordinator and a recovery racing on one
 * gid can never both act on different decisions. Within a process every user of one file shares
 * one instance ({@link DecisionLog.open}), which makes `decide` atomic; a coordinator restart is a
 * new instance reading the file back.
 */
export class DecisionLog {
  private readonly decisions = new Map<string, Decision>();
  private readonly inFlight = new Set<string>();
  private readonly fd: number;
  private readonly instance = randomBytes(4).toString('hex');
  private seq = 0;
  private closed = false;

  /** The shared instance for `path` in this process (opened on first use). */
  static open(path: string): DecisionLog {
    const key = resolve(path);
    let log = open.get(key);
    if (!log || log.closed) open.set(key, (log = new DecisionLog(key)));
    return log;
  }

  /**
   * Reads any decisions already in `path` (a restarted coordinator), then appends to it. A torn
   * last line — a crash while writing it — was never acted on and is ignored; a bad line before
   * the last is a corrupt log and refuses to open.
   */
  constructor(readonly path: string) {
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n');
      const last = lines.length - 1 - [...lines].reverse().findIndex((l) => l.trim() !== '');
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        const entry = parseEntry(line);
        if (entry) this.decisions.set(entry.gid, entry.decision);
        else if (i !== last) throw new EnvironmentError(`${path}:${i + 1}: not a 2PC decision (expected {"gid":…,"decision":"commit"|"abort"}); the decision log is corrupt`);
      });
    }
    this.fd = openSync(path, 'a');
  }

  /** A global transaction id no earlier instance of this log has used. */
  nextGid(): string {
    return `${GID_PREFIX}${this.instance}-${++this.seq}`;
  }

  /** The coordinator is working on `gid`: recovery must not decide it. */
  begin(gid: string): void {
    this.inFlight.add(gid);
  }

  /** The coordinator is done with `gid` (or crashed): recovery may decide it. */
  end(gid: string): void {
    this.inFlight.delete(gid);
  }

  isInFlight(gid: string): boolean {
    return this.inFlight.has(gid);
  }

  decision(gid: string): Decision | undefined {
    return this.decisions.get(gid);
  }

  /** Records `decision` for `gid` durably, unless one is recorded already; returns the one in force. */
  decide(gid: string, decision: Decision): Decision {
    const existing = this.decisions.get(gid);
    if (existing) return existing;
    if (this.closed) throw new Error(`decision log ${this.path} is closed`);
    const entry: Entry = { gid, decision, at: Date.now() };
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.decisions.set(gid, decision);
    return decision;
  }

  /** How many decisions of each kind are on record. */
  counts(): Record<Decision, number> {
    const c = { commit: 0, abort: 0 };
    for (const d of this.decisions.values()) c[d]++;
    return c;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function parseEntry(line: string): Entry | undefined {
  try {
    const e = JSON.parse(line) as Partial<Entry>;
    if (typeof e.gid === 'string' && (e.decision === 'commit' || e.decision === 'abort')) return { gid: e.gid, decision: e.decision, at: Number(e.at) };
  } catch {
    // A torn or foreign line.
  }
  return undefined;
}
