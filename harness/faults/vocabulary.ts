/** How one nemesis op changes the faults in force. */
export type FaultTransition = { readonly kind: 'start'; readonly fault: string } | { readonly kind: 'stop'; readonly fault: string } | { readonly kind: 'heal-all' };

const start = (fault: string): FaultTransition => ({ kind: 'start', fault });
const stop = (fault: string): FaultTransition => ({ kind: 'stop', fault });
const HEAL_ALL: FaultTransition = { kind: 'heal-all' };

/**
 * The fault names that are not `start-X` / `stop-X`: Jepsen's, so that imported histories read
 * the same as faultline's own in the run's status line, the report's fault windows and the gate.
 * `heal` ends every fault (it ends a partition in every Jepsen test that writes it).
 */
const NAMED: Readonly<Record<string, FaultTransition>> = {
  partition: start('partition'),
  heal: HEAL_ALL,
  kill: start('kill'),
  start: stop('kill'),
  restart: stop('kill'),
  pause: start('pause'),
  resume: stop('pause'),
  'bump-clock': start('clock'),
  'skew-clock': start('clock'),
  'strobe-clock': start('clock'),
  'reset-clock': stop('clock'),
  'stop-all': HEAL_ALL,
  'heal-all': HEAL_ALL,
  'start-all': { kind: 'start', fault: 'all' },
};

/**
 * The one table of nemesis op names (DESIGN.md §2): faultline's nemeses write `start-X` /
 * `stop-X` (`heal-X` is read as a stop), plus the names above. Undefined for an op that is not a
 * fault transition; `start-all` names no class, so it changes nothing.
 */
export function faultTransition(f: string): FaultTransition | undefined {
  const named = Object.hasOwn(NAMED, f) ? NAMED[f] : undefined;
  if (named) return named.kind === 'start' && named.fault === 'all' ? undefined : named;
  const m = /^(start|stop|heal)-(.+)$/.exec(f);
  if (!m) return undefined;
  return m[1] === 'start' ? start(m[2]!) : stop(m[2]!);
}

/** The fault class a nemesis op belongs to (`stop-partition` → partition, `resume` → pause); `f` itself when it names none. */
export function faultClass(f: string): string {
  const t = faultTransition(f);
  return t === undefined || t.kind === 'heal-all' ? f : t.fault;
}
