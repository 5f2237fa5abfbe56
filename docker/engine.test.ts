import { describe, expect, it } from 'vitest';
import { HOST_PACKAGES } from './engine.ts';
import { sbinEnv } from './host-tools.ts';

describe('engine environment', () => {
  it('puts the sbin folders on PATH once, keeping the caller’s order and variables', () => {
    expect(sbinEnv({ PATH: '/usr/bin:/bin', X: '1' })).toEqual({ PATH: '/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin', X: '1' });
    expect(sbinEnv({ PATH: '/usr/sbin:/usr/bin' }).PATH).toBe('/usr/sbin:/usr/bin:/usr/local/sbin:/sbin');
    expect(sbinEnv({}).PATH).toContain('/usr/sbin');
  });

  it('installs exactly the packages DESIGN §5 names, each with a reason to say', () => {
    expect(Object.keys(HOST_PACKAGES).sort()).toEqual(['debootstrap', 'docker.io', 'iptables', 'libfaketime']);
    for (const why of Object.values(HOST_PACKAGES)) expect(why.length).toBeGreaterThan(10);
  });
});
