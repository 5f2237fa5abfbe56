import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * The host names a request may be addressed to. A browser page on another site can point its
 * own name at 127.0.0.1 (DNS rebinding) and then read the store through it; such requests
 * carry that site's name in `Host`, so only our own names are answered. A wildcard bind
 * (`0.0.0.0`, `::`) is reached by the machine's name and addresses, so those are added.
 */
export function allowedHosts(bindHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', normalise(bindHost)]);
  if (bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '') {
    names.add(normalise(hostname()));
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(normalise(a.address));
  }
  return names;
}

function normalise(host: string): string {
  return host.toLowerCase().replace(/\.$/, '').replace(/%.*$/, '');
}

/** The host part of a `Host` header (`[::1]:8080` → `::1`, `Example.COM.:80` → `example.com`). */
export function hostOfHeader(header: string): string {
  const h = header.trim();
  if (h.startsWith('[')) return normalise(h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']')));
  // A bare IPv6 address has several colons and no port.
  if (isIP(h) === 6) return normalise(h);
  const colon = h.lastIndexOf(':');
  return normalise(colon === -1 ? h : h.slice(0, colon));
}

/** Whether to answer a request with this `Host` header. HTTP/1.0 clients may send none: they are not browsers. */
export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  return header === undefined || allowed.has(hostOfHeader(header));
}
