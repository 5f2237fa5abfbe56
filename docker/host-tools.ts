import { execaSync } from 'execa';

/**
 * The environment with the sbin folders on PATH: dockerd, debootstrap, iptables and tc live
 * there, and a root shell started by some CI runners leaves them out.
 */
export function sbinEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':');
  for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!path.includes(dir)) path.push(dir);
  return { ...env, PATH: path.join(':') };
}

let probed: { unavailable?: string } | undefined;

/**
 * Why `tc qdisc … netem` cannot work on this kernel, or undefined when it can. Tried once per
 * process in a throwaway network namespace (`unshare --net`), so nothing real is touched; the
 * containers share this kernel, so the answer holds for them too.
 */
export function netemUnavailable(): string | undefined {
  if (!probed) {
    const r = execaSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up && tc qdisc add dev lo root netem delay 1ms'], { reject: false, env: sbinEnv(), timeout: 10_000 });
    const why = String(r.stderr ?? '').trim().split('\n')[0] || r.shortMessage || `exit ${r.exitCode}`;
    probed = r.exitCode === 0 ? {} : { unavailable: /unknown|No such file/i.test(why) ? `this kernel has no sch_netem (tc says: ${why})` : `tc netem failed: ${why}` };
  }
  return probed.unavailable;
}
