import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed, hostOfHeader } from './host-check.ts';

describe('host check', () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', '::1'],
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['Example.COM.:80', 'example.com'],
    ['localhost', 'localhost'],
  ])('reads the host of %s as %s', (header, host) => {
    expect(hostOfHeader(header)).toBe(host);
  });

  it('answers loopback names and the bound address, and nothing else', () => {
    const allowed = allowedHosts('127.0.0.2');
    for (const h of ['localhost:1', '127.0.0.1:1', '[::1]:1', '127.0.0.2:1', undefined]) expect(hostAllowed(h, allowed)).toBe(true);
    for (const h of ['evil.com', 'evil.com:1', '127.0.0.3:1', 'localhost.evil.com', '', ...(hostname() === 'localhost' ? [] : [hostname()])]) expect(hostAllowed(h, allowed)).toBe(false);
  });

  it('bound to every address, also answers the machine name', () => {
    expect(hostAllowed(`${hostname()}:8080`, allowedHosts('0.0.0.0'))).toBe(true);
    expect(hostAllowed('evil.com', allowedHosts('0.0.0.0'))).toBe(false);
  });
});
