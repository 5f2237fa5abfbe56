/**
 * The consistency-model lattice, after Elle's (jepsen.io/consistency; Adya's PL levels; Bailis et
 * al.'s HAT models; Cerone et al.'s atomic-visibility models; Daudjee & Salem's strong session
 * models; Terry et al.'s session guarantees). Our own table: names are the friendly ones, Adya's
 * PL names and Elle's canonical names are accepted as aliases (`ALIASES`).
 *
 * A model whose characteristic anomaly faultline cannot observe (G-monotonic, G-MSR, G-SIb,
 * G-update, ROLA's lost-update is observable) is still judged on everything it inherits from
 * weaker models: a pass there says "nothing weaker was violated", as with Elle.
 */

/** a → [b…]: every history that satisfies model a also satisfies each b. */
export const MODEL_IMPLIES: Record<string, string[]> = {
  // Transactional, strongest first.
  'strict-serializable': ['serializable', 'strong-snapshot-isolation', 'strong-session-serializable', 'session-serializable', 'linearizable'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'session-serializable': ['one-copy-serializable'],
  'one-copy-serializable': [],
  serializable: ['repeatable-read', 'snapshot-isolation', 'view-serializable', 'update-serializable'],
  'view-serializable': [],
  // Adya: PL-3U sits between PL-3 and forward consistent view.
  'update-serializable': ['forward-consistent-view'],
  'strong-snapshot-isolation': ['strong-session-snapshot-isolation', 'strong-read-committed'],
  'strong-session-snapshot-isolation': ['snapshot-isolation', 'strong-session-read-committed'],
  'snapshot-isolation': ['forward-consistent-view', 'consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'parallel-snapshot-isolation', 'prefix'],
  'forward-consistent-view': ['consistent-view'],
  'consistent-view': ['cursor-stability', 'monotonic-view'],
  'monotonic-view': ['read-committed'],
  'monotonic-snapshot-read': ['read-committed'],
  // Cerone et al.: PSI and prefix consistency are both stronger than causal (transactional).
  'parallel-snapshot-isolation': ['causal-cerone', 'rola'],
  prefix: ['causal-cerone'],
  'causal-cerone': ['read-atomic'],
  rola: ['read-atomic'],
  // Read atomic's external visibility gives monotonic atomic view (Bailis).
  'read-atomic': ['monotonic-atomic-view'],
  'monotonic-atomic-view': ['read-committed'],
  'repeatable-read': ['cursor-stability', 'monotonic-atomic-view'],
  'cursor-stability': ['read-committed'],
  'strong-read-committed': ['strong-session-read-committed', 'strong-read-uncommitted'],
  'strong-session-read-committed': ['read-committed', 'strong-session-read-uncommitted'],
  'strong-read-uncommitted': ['strong-session-read-uncommitted'],
  'strong-session-read-uncommitted': ['read-uncommitted'],
  'read-committed': ['read-uncommitted'],
  'read-uncommitted': [],
  // Single-object models and the session guarantees (Bailis et al.; Terry et al.).
  linearizable: ['sequential'],
  sequential: ['causal'],
  causal: ['writes-follow-reads', 'pram'],
  pram: ['monotonic-reads', 'monotonic-writes', 'read-your-writes'],
  'writes-follow-reads': [],
  'monotonic-reads': [],
  'monotonic-writes': [],
  'read-your-writes': [],
};

/** Anomalies each model forbids directly; weaker models' prohibitions are inherited. */
export const PROHIBITS: Record<string, string[]> = {
  // As in Elle, anomalies no Adya history can have: versions out of any order, and (Elle's
  // "garbage reads", which it names but does not report) a value no transaction wrote.
  'read-uncommitted': ['G0', 'duplicate-elements', 'cyclic-versions', 'garbage-read'],
  // These imply nothing weaker here (view serializability allows some write cycles), but no
  // serial execution, one copy or not, reads a value nobody wrote or versions out of any order.
  'view-serializable': ['duplicate-elements', 'cyclic-versions', 'garbage-read'],
  'one-copy-serializable': ['duplicate-elements', 'cyclic-versions', 'garbage-read'],
  'read-committed': ['G1'],
  'cursor-stability': ['G1', 'lost-update', 'G-cursor'],
  'monotonic-view': ['G1', 'G-monotonic'],
  'monotonic-snapshot-read': ['G1', 'G-MSR'],
  'consistent-view': ['G1', 'G-single'],
  'forward-consistent-view': ['G1', 'G-SIb'],
  'update-serializable': ['G1', 'G-update'],
  'repeatable-read': ['G1', 'G2-item', 'lost-update'],
  'snapshot-isolation': ['internal', 'G1', 'G-nonadjacent', 'lost-update'],
  serializable: ['internal', 'G1', 'G2'],
  // Cerone et al.'s models, as far as a history shows them (Elle: "incomplete").
  'read-atomic': ['internal', 'G1a', 'future-read'],
  'causal-cerone': ['internal', 'G1a'],
  'parallel-snapshot-isolation': ['internal', 'G1a'],
  prefix: ['internal', 'G1a'],
  rola: ['lost-update'],
  'strong-session-read-uncommitted': ['G0-process'],
  'strong-session-read-committed': ['G1c-process'],
  'strong-read-uncommitted': ['G0-realtime'],
  'strong-read-committed': ['G1c-realtime'],
  'strong-session-snapshot-isolation': ['internal', 'G1-process', 'G-nonadjacent-process'],
  'strong-snapshot-isolation': ['internal', 'G1-realtime', 'G-nonadjacent-realtime'],
  'strong-session-serializable': ['G1-process', 'G2-process'],
  'strict-serializable': ['G1', 'G1c-realtime', 'G2-realtime'],
  // The session checker's anomalies (checkers/elle/session.ts).
  'read-your-writes': ['read-your-writes-violation'],
  'monotonic-reads': ['monotonic-reads-violation'],
  'monotonic-writes': ['monotonic-writes-violation'],
  'writes-follow-reads': ['writes-follow-reads-violation'],
  causal: ['causal-violation', 'causal-cycle'],
};

/** Other names for models: Adya's PL levels, Elle's canonical names, common synonyms. */
export const ALIASES: Record<string, string> = {
  'strong-serializable': 'strict-serializable',
  'conflict-serializable': 'serializable',
  'PL-SS': 'strict-serializable',
  'PL-3': 'serializable',
  'PL-3U': 'update-serializable',
  'PL-2.99': 'repeatable-read',
  'PL-SI': 'snapshot-isolation',
  'PL-FCV': 'forward-consistent-view',
  'PL-2+': 'consistent-view',
  'PL-2L': 'monotonic-view',
  'PL-MSR': 'monotonic-snapshot-read',
  'PL-CS': 'cursor-stability',
  'PL-2': 'read-committed',
  'PL-1': 'read-uncommitted',
  'strong-session-PL-1': 'strong-session-read-uncommitted',
  'strong-session-PL-2': 'strong-session-read-committed',
  'strong-PL-1': 'strong-read-uncommitted',
  'strong-PL-2': 'strong-read-committed',
  ROLA: 'rola',
  PRAM: 'pram',
  '1SR': 'one-copy-serializable',
  'sequential-consistency': 'sequential',
  'causal-consistency': 'causal',
};

/**
 * Models about single objects and sessions: the transactional checkers (list-append,
 * rw-register) cannot judge them, the session checker can (it refuses the others).
 */
export const SESSION_MODELS: readonly string[] = ['causal', 'pram', 'writes-follow-reads', 'monotonic-reads', 'monotonic-writes', 'read-your-writes'];
/** Single-object models no checker of transactions judges: linearizable and sequential need the linearizable checker. */
export const SINGLE_OBJECT_MODELS: readonly string[] = ['linearizable', 'sequential', ...SESSION_MODELS];
