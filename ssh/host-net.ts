import { createHash } from 'node:crypto';

/**
 * What `netExec` may do on a real host, and how the nemeses' commands are made safe there. In a
 * container, the nemeses' iptables commands run in a network namespace of the node's own; on a
 * host they change the host's real firewall, which other runs and other software share. So on a
 * host `netExec` accepts only the commands the fault code sends (nemesis/net-chain.ts) and:
 *
 * - renames faultline's chains per run (`faultline-partition` → `faultline-partition-<tag>`), so
 *   two runs on one host never share or flush each other's rules, and `cleanHosts` can tell whose
 *   they are;
 * - lets a rule match only traffic from another test host's address, and never from the address
 *   the controller's SSH connection comes from (the run would lose that host);
 * - rewrites packet loss (`! -i lo -m statistic … -j DROP`, every source in a container) into one
 *   rule per other test host: on a host, "every source" would include the controller and every
 *   other machine that talks to it;
 * - refuses netem (`tc`): it would shape all of the host's traffic. Removing netem is a no-op, as
 *   faultline never added any.
 *
 * Pure: the SSH cluster runs the translated command and maps chain names back in its output.
 */
export interface HostNetContext {
  /** The host the command is for (its name, for messages). */
  node: string;
  /** 6 hex digits naming the run's chains. */
  tag: string;
  /** The other test hosts' addresses: the only sources a rule may match. */
  peers: readonly string[];
  /** Where the controller's SSH connection comes from, as this host sees it. */
  controller: string;
}

export interface HostNetCommand {
  argv: string[];
  stdin?: string;
}

/** The run's tag: the first 6 hex digits of sha256(runId). */
export function chainTag(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 6);
}

const CHAIN = /^faultline-[a-z]+$/;
/** iptables' limit on chain names. */
const MAX_CHAIN = 28;
const TC_REFUSAL =
  'tc netem on a host would shape all of its traffic, the controller\'s SSH connection and every other machine\'s included, so packet delay, duplication and reordering are not supported on SSH hosts (packet loss is: --nemesis packet:loss)';

export function hostChain(chain: string, tag: string): string {
  const name = `${chain}-${tag}`;
  if (name.length > MAX_CHAIN) throw new Error(`chain ${chain} is too long to carry a run tag (${name} has ${name.length} characters; iptables allows ${MAX_CHAIN})`);
  return name;
}

/** Maps a host's per-run chain names back to the names the fault code uses (in command output). */
export function restoreChainNames(text: string, tag: string): string {
  return text.replace(new RegExp(`\\b(faultline-[a-z]+)-${tag}\\b`, 'g'), '$1');
}

/**
 * The command to run on the host for `argv` (and `stdin`) as a nemesis sent it, or an Error that
 * says why it cannot run on a host.
 */
export function translateNetCommand(argv: readonly string[], stdin: string | undefined, ctx: HostNetContext): HostNetCommand {
  const [tool, ...args] = argv;
  const refuse = (why: string) => new Error(`netExec on ${ctx.node} (an SSH host): ${why}; refused: ${argv.join(' ')}`);
  switch (tool) {
    case 'iptables':
      return { argv: ['iptables', ...iptablesArgs(args, ctx, refuse)] };
    case 'iptables-restore':
      return iptablesRestore(args, stdin, ctx, refuse);
    case 'ip':
      if (args.join(' ') === '-o link show') return { argv: [...argv] };
      throw refuse('only `ip -o link show` (read-only) is allowed');
    case 'tc':
      // Heals and teardowns clear netem wherever a delay was attempted. faultline never puts a
      // qdisc on a host, so it has none to remove there, and whatever qdisc the host has is its own.
      if (/^qdisc del dev \S+ root$/.test(args.join(' '))) return { argv: ['true'] };
      throw refuse(TC_REFUSAL);
    default:
      throw refuse('a host runs only faultline\'s own iptables chains there (iptables, iptables-restore)');
  }
}

type Refuse = (why: string) => Error;

function iptablesArgs(args: readonly string[], ctx: HostNetContext, refuse: Refuse): string[] {
  const rest = args.filter((a) => a !== '-w');
  const chain = (name: string | undefined) => {
    if (name === undefined || !CHAIN.test(name)) throw refuse(`only faultline's own chains (faultline-<word>) may be changed, not ${JSON.stringify(name ?? '')}`);
    return hostChain(name, ctx.tag);
  };
  const [op, first, ...more] = rest;
  let out: string[];
  switch (op) {
    case '-S':
      // Reading is harmless: the whole table, or one of faultline's chains.
      out = first === undefined ? ['-S'] : ['-S', chain(first)];
      if (more.length > 0) throw refuse('-S takes at most a chain');
      break;
    case '-N':
    case '-F':
    case '-X':
      if (more.length > 0) throw refuse(`${op} takes only a chain`);
      out = [op, chain(first)];
      break;
    case '-C':
    case '-D':
    case '-I':
    case '-A': {
      if (first === 'INPUT') {
        // The hook: INPUT jumps to faultline's chain, and nothing else is done to INPUT.
        const position = op === '-I' && /^\d+$/.test(more[0] ?? '') ? [more.shift()!] : [];
        if (more.length !== 2 || more[0] !== '-j') throw refuse('INPUT may only get a jump to a faultline chain');
        out = [op, 'INPUT', ...position, '-j', chain(more[1])];
      } else {
        const rules = checkRule(more, ctx, refuse);
        if (rules.length !== 1 || op === '-C' || op === '-D') throw refuse('rules are installed with iptables-restore (one rule per source), not one at a time');
        out = [op, chain(first), ...rules[0]!];
      }
      break;
    }
    default:
      throw refuse(`iptables ${op ?? ''} is not one of the operations faults use (-N -C -I -A -D -F -X -S)`);
  }
  return ['-w', ...out];
}

function iptablesRestore(args: readonly string[], stdin: string | undefined, ctx: HostNetContext, refuse: Refuse): HostNetCommand {
  // Without --noflush, iptables-restore replaces the whole table: every rule of the host's own.
  if (!args.includes('--noflush')) throw refuse('iptables-restore must be given --noflush (without it, it replaces the host\'s whole filter table)');
  const unknown = args.filter((a) => a !== '-w' && a !== '--noflush');
  if (unknown.length > 0) throw refuse(`unexpected iptables-restore options ${unknown.join(' ')}`);
  if (stdin === undefined) throw refuse('iptables-restore needs its rules on stdin');
  const out: string[] = [];
  let table: string | undefined;
  let committed = false;
  const declared = new Set<string>();
  for (const raw of stdin.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (committed) throw refuse('nothing may follow COMMIT');
    if (line.startsWith('*')) {
      if (line !== '*filter' || table !== undefined) throw refuse('only the filter table, once');
      table = 'filter';
      out.push(line);
    } else if (line.startsWith(':')) {
      const m = /^:(\S+) - \[0:0\]$/.exec(line);
      if (!m || !CHAIN.test(m[1]!)) throw refuse(`only faultline's own chains may be declared, not ${JSON.stringify(line)}`);
      declared.add(m[1]!);
      out.push(`:${hostChain(m[1]!, ctx.tag)} - [0:0]`);
    } else if (line.startsWith('-A ')) {
      const [, chain, ...rule] = line.split(/\s+/);
      if (!declared.has(chain!)) throw refuse(`rules may only be added to a chain this input declares (${JSON.stringify(chain)} is not)`);
      for (const r of checkRule(rule, ctx, refuse)) out.push(['-A', hostChain(chain!, ctx.tag), ...r].join(' '));
    } else if (line === 'COMMIT') {
      committed = true;
      out.push(line);
    } else throw refuse(`unexpected iptables-restore line ${JSON.stringify(line)}`);
  }
  if (table === undefined || !committed) throw refuse('the input must be one *filter … COMMIT block');
  return { argv: ['iptables-restore', '-w', '--noflush'], stdin: `${out.join('\n')}\n` };
}

/**
 * A rule's match and target, as the host may take it: `DROP` of traffic from one other test host
 * (optionally only a random fraction of it), or — the packet-loss shape, `! -i lo` — the same for
 * each other test host. Returns the rules to install in its place.
 */
function checkRule(tokens: readonly string[], ctx: HostNetContext, refuse: Refuse): string[][] {
  let source: string | undefined;
  let notLoopback = false;
  let probability: string | undefined;
  let target: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = () => {
      const v = tokens[++i];
      if (v === undefined) throw refuse(`${t} needs a value`);
      return v;
    };
    if (t === '-s' || t === '--source') source = next().replace(/\/32$/, '');
    else if (t === '!' && tokens[i + 1] === '-i' && tokens[i + 2] === 'lo') {
      notLoopback = true;
      i += 2;
    } else if (t === '-m' && tokens[i + 1] === 'statistic') i++;
    else if (t === '--mode' && tokens[i + 1] === 'random') i++;
    else if (t === '--probability') {
      probability = next();
      if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(probability)) throw refuse(`--probability must be a number from 0 to 1, got ${probability}`);
    } else if (t === '-j') {
      target = next();
      if (target !== 'DROP') throw refuse(`the only target a host takes is DROP, not ${target}`);
    } else throw refuse(`a rule may only match a source address (-s) and a random fraction (-m statistic); ${JSON.stringify(t)} is not allowed`);
  }
  if (target !== 'DROP') throw refuse('a rule must end in -j DROP');
  const statistic = probability === undefined ? [] : ['-m', 'statistic', '--mode', 'random', '--probability', probability];
  let sources: readonly string[];
  if (source !== undefined) {
    if (!ctx.peers.includes(source)) throw refuse(`${source} is not the address of another test host (they are ${ctx.peers.join(', ') || 'none'}); a host only ever drops traffic from the other test hosts`);
    sources = [source];
  } else if (notLoopback) sources = ctx.peers;
  else throw refuse('a rule must name the test host it drops (-s ADDRESS): on a real host, matching every source would cut off everything that talks to it');
  if (sources.includes(ctx.controller)) {
    throw refuse(`${ctx.controller} is the address the controller's SSH connection comes from, as ${ctx.node} sees it; dropping it would lose ${ctx.node} for the rest of the run`);
  }
  return sources.map((s) => ['-s', s, ...statistic, '-j', 'DROP']);
}
