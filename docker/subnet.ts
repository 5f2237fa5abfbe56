import { readFileSync } from 'node:fs';

/**
 * IPv4 subnet arithmetic for run networks. Each run gets a /24 from a pool; nodes sit at fixed
 * addresses (.11 for n1, .12 for n2 …) so faults can name them before the containers exist.
 */
export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

/** Runs draw /24s from 10.213.0.0/16 unless told otherwise. */
export const DEFAULT_POOL = '10.213.0.0/16';
/** n1 is `.11`; `.1` is the bridge gateway (the controller's side). */
const FIRST_NODE_HOST = 11;
export const MAX_NODES = 200;

export function parseCidr(text: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || !(prefix >= 0 && prefix <= 32)) throw new Error(`not an IPv4 CIDR: ${JSON.stringify(text)}`);
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base: addr - (addr % 2 ** (32 - prefix)), prefix };
}

export function formatAddress(addr: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256).join('.');
}

export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.base)}/${c.prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/**
 * The /24s of `pool` that overlap none of `used`, starting at `start` (an index into the pool,
 * so concurrent runs pick different subnets first) and wrapping around.
 */
export function freeSubnets(used: readonly string[], start = 0, pool = DEFAULT_POOL): string[] {
  const p = parseCidr(pool);
  if (p.prefix > 24) throw new Error(`subnet pool ${pool} is smaller than a /24`);
  const taken = used.flatMap((u) => {
    try {
      return [parseCidr(u)];
    } catch {
      return []; // IPv6 and malformed entries cannot collide with an IPv4 pool.
    }
  });
  const count = 2 ** (24 - p.prefix);
  const free: string[] = [];
  for (let i = 0; i < count; i++) {
    const candidate: Cidr = { base: p.base + ((start + i) % count) * 256, prefix: 24 };
    if (!taken.some((t) => overlaps(t, candidate))) free.push(formatCidr(candidate));
  }
  return free;
}

/** The fixed address of node `index` (1-based) in a run's /24. */
export function nodeAddress(subnet: string, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > MAX_NODES) throw new Error(`node index ${index} out of range 1…${MAX_NODES}`);
  return formatAddress(parseCidr(subnet).base + FIRST_NODE_HOST - 1 + index);
}

export function gatewayAddress(subnet: string): string {
  return formatAddress(parseCidr(subnet).base + 1);
}

/** Destinations of the host's IPv4 routes (`/proc/net/route`: little-endian hex). */
export function parseProcRoutes(text: string): string[] {
  const routes: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const dest = leHex(cols[1] ?? '');
    const mask = leHex(cols[7] ?? '');
    if (dest === 0 && mask === 0) continue; // the default route covers everything, and collides with nothing
    const prefix = mask.toString(2).replace(/0/g, '').length;
    routes.push(`${formatAddress(dest)}/${prefix}`);
  }
  return routes;
}

function leHex(hex: string): number {
  const n = Number.parseInt(hex, 16);
  return (n & 0xff) * 2 ** 24 + ((n >>> 8) & 0xff) * 2 ** 16 + ((n >>> 16) & 0xff) * 2 ** 8 + ((n >>> 24) & 0xff);
}

export function hostRoutes(): string[] {
  try {
    return parseProcRoutes(readFileSync('/proc/net/route', 'utf8'));
  } catch {
    return [];
  }
}
