import type { Anomaly } from '../../checkers/result.ts';
import type { OpPair } from '../../harness/history/op.ts';
import { meaningOf } from '../anomaly-meanings.ts';
import { cycleDiagram, isCycleExplanation } from '../cycle-diagram.ts';
import { html, type SafeHtml } from '../escape.ts';
import { formatCount, formatKey, formatValue, plural } from '../format.ts';
import { isLinearizabilityExplanation, linearizabilityView } from '../linearizability-view.ts';
import type { RunResults } from '../report-input.ts';

/** Drawn in full per anomaly type; the rest are listed as text (a broken database can yield thousands). */
export const CARDS_PER_TYPE = 4;
const LISTED_PER_TYPE = 200;

interface Found {
  checker: string;
  anomaly: Anomaly;
}

function opLinks(ops: readonly number[]): SafeHtml {
  const shown = ops.slice(0, 30);
  return html`${shown.map((op, i) => html`${i > 0 ? ' ' : ''}<a href="#timeline" class="op-link" data-op="${op}">#${op}</a>`)}${ops.length > shown.length ? ` … ${formatCount(ops.length - shown.length)} more` : ''}`;
}

function anomalyCard(found: Found, n: number, pairs: ReadonlyMap<number, OpPair>, diagramId: string): SafeHtml {
  const { anomaly: a, checker } = found;
  const e = a.explanation;
  let picture: SafeHtml | string = '';
  if (isCycleExplanation(e)) {
    picture = html`<div class="diagram">${cycleDiagram(e, diagramId)}</div>
<table class="txns"><thead><tr><th></th><th>process</th><th>op</th><th>transaction</th></tr></thead><tbody>${e.txns.map((t) => html`<tr><td><b>${t.name}</b></td><td>${String(t.process)}</td><td><a href="#timeline" class="op-link" data-op="${t.op}">#${t.op}</a></td><td><code>${formatValue(t.value, 400)}</code></td></tr>`)}</tbody></table>
<ol class="steps">${e.steps.map((s) => html`<li><span class="edge-kind edge-${s.kind}">${s.kind}</span> ${s.text}</li>`)}</ol>`;
  } else if (isLinearizabilityExplanation(e)) {
    picture = html`<div class="diagram">${linearizabilityView(e, pairs)}</div>`;
  } else if (e !== undefined) {
    picture = html`<details class="raw"><summary>explanation data</summary><pre>${JSON.stringify(e, null, 2).slice(0, 20_000)}</pre></details>`;
  }
  return html`<article class="anomaly">
<h4>${a.type} <span class="nth">#${n}</span> <span class="by">found by ${checker}${a.key === undefined ? '' : html` · key <code>${formatKey(a.key)}</code>`}</span></h4>
<p class="explanation">${a.text}</p>
${picture}
${a.ops && a.ops.length > 0 ? html`<p class="ops">Operations involved (click to see them in the timeline): ${opLinks(a.ops)}</p>` : ''}
</article>`;
}

/** Every anomaly, grouped by name: its meaning, its explanation, and a picture. */
export function anomaliesSection(results: RunResults | undefined, pairs: ReadonlyMap<number, OpPair>): SafeHtml {
  const byType = new Map<string, Found[]>();
  for (const [name, r] of Object.entries(results?.checkers ?? {})) {
    for (const anomaly of r.anomalies) {
      let list = byType.get(anomaly.type);
      if (!list) byType.set(anomaly.type, (list = []));
      list.push({ checker: r.checker ?? name, anomaly });
    }
  }
  if (byType.size === 0) return html``;
  let diagrams = 0;
  return html`<section id="anomalies"><h2>Anomalies</h2>
${[...byType].map(([type, found]) => html`<div class="anomaly-type" id="anomaly-${type}">
<h3>${type} <span class="count">${plural(found.length, 'instance')}</span></h3>
<p class="meaning">${meaningOf(type)}</p>
${found.slice(0, CARDS_PER_TYPE).map((f, i) => anomalyCard(f, i + 1, pairs, `d${diagrams++}`))}
${found.length > CARDS_PER_TYPE ? html`<details class="more"><summary>${formatCount(found.length - CARDS_PER_TYPE)} more ${type} anomalies</summary><ol start="${CARDS_PER_TYPE + 1}">${found.slice(CARDS_PER_TYPE, CARDS_PER_TYPE + LISTED_PER_TYPE).map((f) => html`<li>${f.anomaly.text}${f.anomaly.ops?.length ? html` — ${opLinks(f.anomaly.ops)}` : ''}</li>`)}</ol>${found.length > CARDS_PER_TYPE + LISTED_PER_TYPE ? html`<p>… and ${formatCount(found.length - CARDS_PER_TYPE - LISTED_PER_TYPE)} more in results.json.</p>` : ''}</details>` : ''}
</div>`)}
</section>`;
}
