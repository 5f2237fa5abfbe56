import type { OpPair } from '../../harness/history/op.ts';
import { allCards, countByType, typeLabel, type Card, type TypeCount } from '../anomaly-cards.ts';
import { getChecker } from '../../checkers/registry.ts';
import { html, type SafeHtml } from '../escape.ts';
import { formatCount, formatKey, plural } from '../format.ts';
import { explanationPicture } from './explanation-pictures.ts';
import type { StoredResults } from '../../harness/store/run-result.ts';

/** Drawn in full per anomaly type; the rest are listed as text (a broken database can yield thousands). */
export const CARDS_PER_TYPE = 4;
const LISTED_PER_TYPE = 200;

function opLinks(ops: readonly number[]): SafeHtml {
  const shown = ops.slice(0, 30);
  return html`${shown.map((op, i) => html`${i > 0 ? ' ' : ''}<a href="#timeline" class="op-link" data-op="${op}">#${op}</a>`)}${ops.length > shown.length ? ` … ${formatCount(ops.length - shown.length)} more` : ''}`;
}

/** Explanation text past this length (from a checker that does not abbreviate) shows its start, the rest on demand. */
const TEXT_CHARS = 2_000;

function longText(text: string): SafeHtml | string {
  if (text.length <= TEXT_CHARS) return text;
  return html`${text.slice(0, TEXT_CHARS)}… <details class="full-value"><summary>all ${formatCount(text.length)} characters</summary><pre>${text}</pre></details>`;
}

function anomalyCard(card: Card, title: string, n: number, pairs: ReadonlyMap<number, OpPair>, diagramId: string, meaning?: string): SafeHtml {
  const { anomaly: a, checker } = card;
  const picture = explanationPicture(a.explanation, { pairs, diagramId });
  return html`<article class="anomaly">
<h4>${title} <span class="nth">#${n}</span> <span class="by">found by ${checker}${a.key === undefined ? '' : html` · key <code>${formatKey(a.key)}</code>`}</span></h4>
${meaning ? html`<p class="meaning">${meaning}</p>` : ''}
<div class="explanation">${longText(a.text)}</div>
${picture}
${a.ops && a.ops.length > 0 ? html`<p class="ops">Operations involved (click to see them in the timeline): ${opLinks(a.ops)}</p>` : ''}
</article>`;
}

/** What an anomaly type means, as the checker that reported it says (Checker.meanings). */
export function meaningOf(checker: string, type: string): string {
  const meanings = getChecker(checker)?.meanings;
  return (meanings && Object.hasOwn(meanings, type) ? meanings[type] : undefined) ?? `an anomaly the ${checker} checker reported; see the explanation below`;
}

/** One anomaly type: its name and meaning, its first cards drawn in full, the rest listed. */
function typeGroup(type: string, cards: readonly Card[], pairs: ReadonlyMap<number, OpPair>, nextId: () => string, anchors: Set<string>): SafeHtml {
  const count: TypeCount = countByType(cards)[0]!;
  const allSkews = count.writeSkews === count.count;
  // write-skew's anchor goes to the first group that took its anomalies in, unless it has its own group.
  const skewAnchor = count.writeSkews > 0 && !anchors.has('write-skew');
  if (skewAnchor) anchors.add('write-skew');
  // G2-item-realtime that is a write skew: write skew, counting real-time order.
  const checker = cards[0]!.checker;
  const skewMeaning = meaningOf(checker, type.replace(/^G2-item/, 'write-skew'));
  const cardTitle = (c: Card) => (c.writeSkew ? typeLabel({ type, count: 1, writeSkews: 1 }, 'heading') : type);
  return html`<div class="anomaly-type" id="anomaly-${type}">${skewAnchor ? html`<span id="anomaly-write-skew"></span>` : ''}
<h3>${typeLabel(allSkews ? count : { ...count, writeSkews: 0 }, 'heading')} <span class="count">${plural(cards.length, 'instance')}</span></h3>
<p class="meaning">${allSkews ? skewMeaning : meaningOf(checker, type)}</p>
${cards.slice(0, CARDS_PER_TYPE).map((c, i) => anomalyCard(c, cardTitle(c), i + 1, pairs, nextId(), c.writeSkew && !allSkews ? skewMeaning : undefined))}
${cards.length > CARDS_PER_TYPE ? html`<details class="more"><summary>${formatCount(cards.length - CARDS_PER_TYPE)} more ${type} anomalies</summary><ol start="${CARDS_PER_TYPE + 1}">${cards.slice(CARDS_PER_TYPE, CARDS_PER_TYPE + LISTED_PER_TYPE).map((c) => html`<li>${c.writeSkew && !allSkews ? '(write skew) ' : ''}${c.anomaly.text}${c.anomaly.ops?.length ? html` — ${opLinks(c.anomaly.ops)}` : ''}</li>`)}</ol>${cards.length > CARDS_PER_TYPE + LISTED_PER_TYPE ? html`<p>… and ${formatCount(cards.length - CARDS_PER_TYPE - LISTED_PER_TYPE)} more in results.json.</p>` : ''}</details>` : ''}
</div>`;
}

/**
 * Every anomaly, grouped by name: its meaning, its explanation, and a picture. A write skew that
 * is the same cycle as a G2-item is one card, titled with both names.
 */
export function anomaliesSection(results: StoredResults | undefined, pairs: ReadonlyMap<number, OpPair>): SafeHtml {
  const byType = new Map<string, Card[]>();
  for (const card of allCards(results)) {
    let list = byType.get(card.anomaly.type);
    if (!list) byType.set(card.anomaly.type, (list = []));
    list.push(card);
  }
  if (byType.size === 0) return html``;
  let diagrams = 0;
  const nextId = () => `d${diagrams++}`;
  const anchors = new Set(byType.keys());
  return html`<section id="anomalies"><h2>Anomalies</h2>
${[...byType].map(([type, cards]) => typeGroup(type, cards, pairs, nextId, anchors))}
</section>`;
}
