import type { FaultAvailability } from '../../harness/faults/availability.ts';
import { faultColor } from '../charts/palette.ts';
import { html, type SafeHtml } from '../escape.ts';
import { formatCount, formatMs, formatTestTime } from '../format.ts';

function ratio(ok: number, fail: number, info: number): SafeHtml {
  const total = ok + fail + info;
  if (total === 0) return html`<span class="muted">no ops</span>`;
  const pct = (100 * ok) / total;
  return html`<span class="avail"><span class="avail-bar"><span style="width:${pct.toFixed(1)}%"></span></span>${pct.toFixed(pct === 100 || pct === 0 ? 0 : 1)}%</span>`;
}

/** Per fault window: what share of operations succeeded, the longest silence, and recovery. */
export function availabilityTable(rows: readonly FaultAvailability[], outside: { ok: number; fail: number; info: number }): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">No faults were injected, so there is nothing to compare: ${formatCount(outside.ok)} ok, ${formatCount(outside.fail)} failed, ${formatCount(outside.info)} unknown.</p>`;
  return html`<table class="availability"><thead><tr><th>fault</th><th>from</th><th>to</th><th>ok</th><th>fail</th><th>info</th><th>succeeded</th><th>longest gap without an ok</th><th>heal → first ok</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td><i class="sw" style="background:${faultColor(r.fault)}"></i>${r.fault}</td><td class="num">${formatTestTime(r.start)}</td><td class="num">${formatTestTime(r.end)}</td><td class="num">${formatCount(r.ok)}</td><td class="num">${formatCount(r.fail)}</td><td class="num">${formatCount(r.info)}</td><td>${ratio(r.ok, r.fail, r.info)}</td><td class="num">${formatMs(r.longestGapMs)}</td><td class="num">${r.healToFirstOkMs === undefined ? '—' : formatMs(r.healToFirstOkMs)}</td></tr>`)}
<tr class="baseline"><td>outside faults</td><td></td><td></td><td class="num">${formatCount(outside.ok)}</td><td class="num">${formatCount(outside.fail)}</td><td class="num">${formatCount(outside.info)}</td><td>${ratio(outside.ok, outside.fail, outside.info)}</td><td></td><td></td></tr>
</tbody></table>`;
}
