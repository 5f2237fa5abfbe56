import type { Anomaly, CheckResult } from '../harness/result.ts';

/**
 * Anomalies by type, keeping the first `cap` of each (a broken database can produce millions)
 * while counting them all.
 */
export class AnomalyList {
  private readonly byType = new Map<string, Anomaly[]>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly cap = 100) {}

  add(anomaly: Anomaly): void {
    this.counts.set(anomaly.type, (this.counts.get(anomaly.type) ?? 0) + 1);
    let list = this.byType.get(anomaly.type);
    if (!list) this.byType.set(anomaly.type, (list = []));
    if (list.length < this.cap) list.push(anomaly);
  }

  has(type: string): boolean {
    return this.counts.has(type);
  }

  types(): string[] {
    return [...this.counts.keys()].sort();
  }

  /** Kept anomalies, grouped by type in type order, optionally only the types `keep` accepts. */
  list(keep: (type: string) => boolean = () => true): Anomaly[] {
    return this.types()
      .filter(keep)
      .flatMap((t) => this.byType.get(t)!);
  }

  /** How many of each type were found (including those beyond the cap). */
  countsOf(keep: (type: string) => boolean = () => true): Record<string, number> {
    return Object.fromEntries(this.types().filter(keep).map((t) => [t, this.counts.get(t)!]));
  }

  /** A result that is valid exactly when no anomaly was found. */
  result(checker: string, details: Record<string, unknown>): CheckResult {
    const anomalyTypes = this.types();
    return { checker, valid: anomalyTypes.length === 0, anomalyTypes, anomalies: this.list(), details };
  }
}
