import type { OpPair } from '../../harness/history/op.ts';
import { cycleDiagram, isCycleExplanation } from '../cycle-diagram.ts';
import { html, type SafeHtml } from '../escape.ts';
import { formatValueFull, formatValueLines } from '../format.ts';
import { isLinearizabilityExplanation, linearizabilityView } from '../linearizability-view.ts';

/** What a renderer may use besides the explanation: the history's ops by invocation index, and an id unique in the page. */
export interface PictureContext {
  readonly pairs: ReadonlyMap<number, OpPair>;
  readonly diagramId: string;
}

/** Draws one kind of explanation, or undefined when the data is not of that shape after all. */
type Renderer = (explanation: unknown, ctx: PictureContext) => SafeHtml | undefined;

/** Characters per micro-op in the transactions table before its lists are abbreviated. */
const TXN_LINE_CHARS = 90;

/** A transaction in the table: abbreviated, with the full value a click away when anything was left out. */
function txnCell(value: unknown): SafeHtml {
  const shown = formatValueLines(value, TXN_LINE_CHARS);
  const full = formatValueFull(value);
  const cut = shown.some((line, i) => line !== full[i]);
  return html`<code>${shown.join('; ')}</code>${cut ? html`<details class="full-value"><summary>full value</summary><pre>${full.join('\n')}</pre></details>` : ''}`;
}

/**
 * A renderer per explanation kind (checkers/explanations.ts). A checker declares the kinds it
 * produces (`Checker.explanationKinds`); a new kind is one renderer here, never an edit per
 * checker. An explanation of no known kind is shown as its data.
 */
const RENDERERS: Readonly<Record<string, Renderer>> = {
  cycle: (e, { diagramId }) =>
    isCycleExplanation(e)
      ? html`<div class="diagram">${cycleDiagram(e, diagramId)}</div>
<table class="txns"><thead><tr><th></th><th>process</th><th>op</th><th>transaction</th></tr></thead><tbody>${e.txns.map((t) => html`<tr><td><b>${t.name}</b></td><td>${String(t.process)}</td><td><a href="#timeline" class="op-link" data-op="${t.op}">#${t.op}</a></td><td>${txnCell(t.value)}</td></tr>`)}</tbody></table>
<ol class="steps">${e.steps.map((s) => html`<li><span class="edge-kind edge-${s.kind}">${s.kind}</span> ${s.text}</li>`)}</ol>`
      : undefined,
  linearizability: (e, { pairs }) => (isLinearizabilityExplanation(e) ? html`<div class="diagram">${linearizabilityView(e, pairs)}</div>` : undefined),
};

/** The explanation kinds the report can draw. */
export const PICTURE_KINDS: readonly string[] = Object.keys(RENDERERS);

/** The picture of an anomaly's explanation: by its `kind`'s renderer, else its data. */
export function explanationPicture(explanation: unknown, ctx: PictureContext): SafeHtml | '' {
  if (explanation === undefined) return '';
  const kind = (explanation as { kind?: unknown } | null)?.kind;
  const drawn = typeof kind === 'string' && Object.hasOwn(RENDERERS, kind) ? RENDERERS[kind]!(explanation, ctx) : undefined;
  return drawn ?? html`<details class="raw"><summary>explanation data</summary><pre>${JSON.stringify(explanation, null, 2).slice(0, 20_000)}</pre></details>`;
}
