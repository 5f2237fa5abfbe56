/** Colours shared by charts, the timeline and the legend, so one thing has one colour everywhere. */

export const OUTCOME_COLORS = { ok: '#2e8b57', fail: '#d64541', info: '#e0a100', pending: '#8a8a8a' } as const;

const FAULT_COLORS: Record<string, string> = {
  partition: '#e67e22',
  kill: '#c0392b',
  pause: '#8e44ad',
  clock: '#2471a3',
  packet: '#138d75',
};

export function faultColor(fault: string): string {
  return FAULT_COLORS[fault] ?? '#7f8c8d';
}

/** Operation (`f`) colours, chosen to stay apart from the outcome colours. */
const F_COLORS = ['#3b6fb6', '#e8730c', '#7a4fb0', '#1a9e9e', '#b5476b', '#6b8e23', '#8c6d31', '#4a4a4a'];

export function fColor(i: number): string {
  return F_COLORS[i % F_COLORS.length]!;
}
