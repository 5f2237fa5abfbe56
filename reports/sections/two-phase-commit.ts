import type { CheckResult } from '../../harness/result.ts';
import type { HeldSummary, TwoPhaseCommitDetails } from '../../checkers/explanations.ts';
import { html, type SafeHtml } from '../escape.ts';
import { formatCount, formatMs, plural } from '../format.ts';

function cells(s: HeldSummary): SafeHtml {
  const ms = (v: number | undefined) => (v === undefined ? '—' : formatMs(v));
  return html`<td class="num">${formatCount(s.count)}</td><td class="num">${ms(s.p50)}</td><td class="num">${ms(s.p99)}</td><td class="num">${ms(s.max)}</td>`;
}

/**
 * The blocking cost of two-phase commit (the 2pc checker's details): how long shards held
 * prepared transactions — and every lock they took — on the normal path, and while in doubt until
 * the coordinator's recovery resolved them. Empty when the run had no 2pc checker.
 */
export function twoPhaseCommitSection(result: CheckResult | undefined): SafeHtml | undefined {
  const d = result?.details as TwoPhaseCommitDetails | undefined;
  if (!d?.preparedHeldMs) return undefined;
  const { normal, inDoubt } = d.preparedHeldMs;
  return html`<section id="two-phase-commit"><h2>Two-phase commit: how long locks were held</h2>
<p class="hint">A prepared transaction keeps its row locks until COMMIT PREPARED or ROLLBACK PREPARED; readers and writers of those rows wait. On the normal path that is the coordinator's PREPARE → decision → COMMIT; when a shard or the coordinator fails in between, the transaction stays in doubt until recovery resolves it from the decision log.</p>
<table class="two-pc"><thead><tr><th>prepared transactions</th><th>count</th><th>p50</th><th>p99</th><th>max</th></tr></thead><tbody>
<tr><td>normal path (PREPARE → COMMIT PREPARED)</td>${cells(normal)}</tr>
<tr><td>in doubt (PREPARE → resolved by recovery)</td>${cells(inDoubt)}</tr>
</tbody></table>
<p>${plural(d.transfers, 'transfer')}; recovery committed ${formatCount(d.recovered.commit)} and aborted ${formatCount(d.recovered.abort)} in-doubt transactions; ${plural(d.pendingCommits, 'committed transfer')} left a shard's COMMIT PREPARED to recovery.</p>
${d.longestInDoubt.length === 0 ? '' : html`<p>Longest in doubt: ${d.longestInDoubt.map((r, i) => html`${i === 0 ? '' : ', '}<code>${r.gid}</code> on ${r.shard} ${formatMs(r.heldMs)} (${r.decision})`)}.</p>`}
</section>`;
}
