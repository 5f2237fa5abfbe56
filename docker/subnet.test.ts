import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCidr, freeSubnets, gatewayAddress, nodeAddress, overlaps, parseCidr, parseProcRoutes } from './subnet.ts';

const cidr = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.integer({ min: 8, max: 30 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);

describe('subnets', () => {
  it('parses to the network address and formats back', () => {
    expect(formatCidr(parseCidr('172.17.3.9/16'))).toBe('172.17.0.0/16');
    expect(() => parseCidr('fd00::/64')).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr('300.1.1.1/24')).toThrow(/not an IPv4 CIDR/);
  });

  it('overlap is symmetric and matches address containment', () => {
    fc.assert(
      fc.property(cidr, cidr, (a, b) => {
        const x = parseCidr(a);
        const y = parseCidr(b);
        expect(overlaps(x, y)).toBe(overlaps(y, x));
        const contains = (outer: typeof x, addr: number) => addr >= outer.base && addr < outer.base + 2 ** (32 - outer.prefix);
        expect(overlaps(x, y)).toBe(contains(x, y.base) || contains(y, x.base));
      }),
    );
  });

  it('never offers a subnet that overlaps a used one, and starts where asked', () => {
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 20 }), fc.nat(255), (used, start) => {
        const free = freeSubnets(used, start);
        const taken = used.map(parseCidr);
        expect(free.every((s) => taken.every((u) => !overlaps(parseCidr(s), u)))).toBe(true);
        if (used.length === 0) expect(free[0]).toBe(`10.213.${start}.0/24`);
      }),
    );
    expect(freeSubnets(['10.0.0.0/8'])).toEqual([]);
    expect(freeSubnets(['10.213.0.0/23', 'fd00::/64', 'garbage'], 0).slice(0, 2)).toEqual(['10.213.2.0/24', '10.213.3.0/24']);
  });

  it('gives nodes fixed addresses from .11 and the gateway .1', () => {
    expect(nodeAddress('10.213.7.0/24', 1)).toBe('10.213.7.11');
    expect(nodeAddress('10.213.7.0/24', 5)).toBe('10.213.7.15');
    expect(gatewayAddress('10.213.7.0/24')).toBe('10.213.7.1');
    expect(() => nodeAddress('10.213.7.0/24', 0)).toThrow(/out of range/);
  });

  it('reads host routes from /proc/net/route, skipping the default route', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
      'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    ].join('\n');
    expect(parseProcRoutes(text)).toEqual(['172.17.0.0/16', '192.0.2.0/24']);
  });
});
