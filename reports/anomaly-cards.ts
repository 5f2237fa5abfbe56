import type { Anomaly, CheckResult } from '../harness/result.ts';
import type { StoredResults } from '../harness/store/run-result.ts';

/**
 * One anomaly as the report shows it. Elle-style checkers report a G2-item cycle of two
 * anti-dependencies twice, as `G2-item` and as `write-skew` (results.json keeps both); the report
 * shows such a pair once, as the G2-item card marked `writeSkew`.
 */
export interface Card {
  checker: string;
  anomaly: Anomaly;
  /** The same cycle was also reported as a write skew. */
  writeSkew: boolean;
}

/** A write-skew anomaly folds into a G2-item one (or its -process/-realtime variant) with the same cycle. */
function sameCycle(a: Anomaly): string {
  return `${JSON.stringify(a.ops ?? [])}\u0000${a.text}`;
}

/** A checker's anomalies as cards, in its order, each write skew folded into its G2-item twin. */
export function cardsOf(name: string, r: CheckResult): Card[] {
  const checker = r.checker ?? name;
  const twins = new Map<string, Card[]>();
  const cards = r.anomalies.map((anomaly): Card => ({ checker, anomaly, writeSkew: false }));
  for (const card of cards) {
    if (!card.anomaly.type.startsWith('G2-item')) continue;
    const k = sameCycle(card.anomaly);
    twins.set(k, [...(twins.get(k) ?? []), card]);
  }
  return cards.filter((card) => {
    if (card.anomaly.type !== 'write-skew') return true;
    const twin = twins.get(sameCycle(card.anomaly))?.find((c) => !c.writeSkew);
    if (!twin) return true;
    twin.writeSkew = true;
    return false;
  });
}

/** Every checker's cards, in checker order. */
export function allCards(results: StoredResults | undefined): Card[] {
  return Object.entries(results?.checkers ?? {}).flatMap(([name, r]) => cardsOf(name, r));
}

/** The cards of one anomaly type. */
export interface TypeCount {
  type: string;
  count: number;
  /** How many of them are also write skews. */
  writeSkews: number;
}

/** Cards counted per type, types in order of first appearance. */
export function countByType(cards: readonly Card[]): TypeCount[] {
  const byType = new Map<string, TypeCount>();
  for (const { anomaly, writeSkew } of cards) {
    let t = byType.get(anomaly.type);
    if (!t) byType.set(anomaly.type, (t = { type: anomaly.type, count: 0, writeSkews: 0 }));
    t.count++;
    if (writeSkew) t.writeSkews++;
  }
  return [...byType.values()];
}

/**
 * A type's name with its write skews: as a heading `G2-item — write skew`, inline
 * `G2-item (write skew)`, and `G2-item (1 of 3 a write skew)` when only some are.
 */
export function typeLabel({ type, count, writeSkews }: TypeCount, style: 'heading' | 'inline'): string {
  if (writeSkews === 0) return type;
  if (writeSkews === count) return style === 'heading' ? `${type} — write skew` : `${type} (write skew)`;
  return `${type} (${writeSkews} of ${count} a write skew)`;
}

/**
 * The anomaly types a checker found, as the verdict names them: its `anomalyTypes`, with a
 * `write-skew` that was folded into G2-item cards named on those instead.
 */
export function foundTypeLabels(name: string, r: CheckResult): string[] {
  const counts = new Map(countByType(cardsOf(name, r)).map((t) => [t.type, t]));
  return r.anomalyTypes.flatMap((type) => {
    const t = counts.get(type);
    if (type === 'write-skew' && !t && r.anomalies.some((a) => a.type === type)) return [];
    return [t ? typeLabel(t, 'inline') : type];
  });
}
