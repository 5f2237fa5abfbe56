import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dockerClient } from '../../engine.ts';
import { followProgress, imageExists } from '../../image-progress.ts';
import { contextFiles, contextHash, HASH_LABEL, IMAGE_LABEL } from '../../images.ts';
import { controllerLabels } from '../../labels.ts';
import { CLOCK_SHIFT_BINARY, CLOCK_SHIFT_EXIT, CLOCK_SHIFT_OFFSET_FILE, CLOCK_SHIFT_SOURCE, clockShiftArgs, parseClockShiftOutput, type ClockShiftStatus } from './clock-shift.ts';

// Where the tool is meant to run: inside a node, by docker exec, next to the database. The image
// is this folder's Dockerfile stage followed by an etcd stage, as a node image would use it; the
// node is started as faultline starts nodes (tini as pid 1, `sleep infinity`, the database
// started by exec), with Docker's default capabilities (no CAP_SYS_PTRACE) and no network.

const S = 1_000_000_000;
const NODE_STAGE = `
FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends etcd-server etcd-client \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /var/lib/faultline
COPY --from=clock-shift /out/clock-shift ${CLOCK_SHIFT_BINARY}
`;

let docker: Docker;
let context: string;
let container: Docker.Container | undefined;
let etcdPid: number;

async function exec(cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('docker', ['exec', container!.id, ...cmd], { reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function etcdLogOffsetMs(): Promise<number> {
  const before = Date.now();
  const r = await exec(['etcdctl', 'defrag']);
  const after = Date.now();
  expect(r.exitCode, r.stderr).toBe(0);
  const log = await exec(['sh', '-c', 'grep "finished defragment" /var/log/etcd.log | tail -n 1']);
  const ts = Date.parse((JSON.parse(log.stdout) as { ts: string }).ts);
  return ts < before ? ts - before : ts > after + 1 ? ts - after - 1 : 0;
}

beforeAll(async () => {
  docker = dockerClient();
  context = mkdtempSync(join(tmpdir(), 'clock-shift-image-'));
  for (const f of ['Makefile', 'check-tramp.sh', 'src']) cpSync(join(CLOCK_SHIFT_SOURCE, f), join(context, f), { recursive: true });
  writeFileSync(join(context, 'Dockerfile'), readFileSync(join(CLOCK_SHIFT_SOURCE, 'Dockerfile'), 'utf8') + NODE_STAGE);
  const files = contextFiles(context);
  const digest = contextHash(context);
  const tag = `faultline/clock-shift-etcd-test:${digest.slice(0, 12)}`;
  if (!(await imageExists(docker, tag))) {
    const stream = await docker.buildImage({ context, src: files }, { t: tag, labels: { [IMAGE_LABEL]: 'clock-shift-etcd-test', [HASH_LABEL]: digest }, rm: true, forcerm: true });
    await followProgress(docker, stream, 15 * 60_000);
  }
  container = await docker.createContainer({
    Image: tag,
    Entrypoint: ['sleep'],
    Cmd: ['infinity'],
    Labels: controllerLabels(`clock-shift-test-${process.pid}`),
    HostConfig: { Init: true, NetworkMode: 'none' },
  });
  await container.start();
  await exec(['sh', '-c', 'etcd --data-dir /var/lib/faultline/etcd --logger=zap --log-outputs=stderr 2>/var/log/etcd.log &']);
  const deadline = Date.now() + 30_000;
  while ((await exec(['etcdctl', 'endpoint', 'health'])).exitCode !== 0) {
    if (Date.now() > deadline) throw new Error('etcd in the container did not become healthy in 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = await exec(['sh', '-c', 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = etcd ] && echo ${p#/proc/}; done']);
  etcdPid = Number(pid.stdout.trim());
  expect(etcdPid).toBeGreaterThan(1);
}, 900_000);

afterAll(async () => {
  await container?.remove({ force: true });
  if (context) rmSync(context, { recursive: true, force: true });
});

it('shifts etcd inside a node by docker exec, with no extra capability, and heals', async () => {
  const caps = await exec(['sh', '-c', 'grep CapEff /proc/self/status']);
  const CAP_SYS_PTRACE = 19n;
  expect((BigInt(`0x${caps.stdout.split(/\s+/)[1]}`) >> CAP_SYS_PTRACE) & 1n).toBe(0n); // Docker's default set lacks it
  expect(Math.abs(await etcdLogOffsetMs())).toBeLessThan(50);

  const set = await exec([CLOCK_SHIFT_BINARY, ...clockShiftArgs.set(CLOCK_SHIFT_OFFSET_FILE, { realtimeNs: 7200 * S })]);
  expect(set.exitCode, set.stderr).toBe(0);
  const attach = await exec([CLOCK_SHIFT_BINARY, ...clockShiftArgs.attach(etcdPid, CLOCK_SHIFT_OFFSET_FILE)]);
  expect(attach.exitCode, attach.stderr).toBe(0);
  expect(parseClockShiftOutput<ClockShiftStatus>(attach.stdout)).toMatchObject({ attached: true, mode: 'relocate', offsetFile: CLOCK_SHIFT_OFFSET_FILE });
  expect(Math.abs((await etcdLogOffsetMs()) - 7_200_000)).toBeLessThan(50);
  expect((await exec(['etcdctl', 'put', 'k', 'v'])).stdout).toBe('OK');

  await exec([CLOCK_SHIFT_BINARY, ...clockShiftArgs.set(CLOCK_SHIFT_OFFSET_FILE, { realtimeNs: 0 })]);
  expect(Math.abs(await etcdLogOffsetMs())).toBeLessThan(50);
  const status = await exec([CLOCK_SHIFT_BINARY, ...clockShiftArgs.status(etcdPid)]);
  expect(parseClockShiftOutput<ClockShiftStatus>(status.stdout)).toMatchObject({ attached: true, realtimeNs: 0 });

  // The pid namespace hides host processes: a host pid means nothing inside the node.
  const missing = await exec([CLOCK_SHIFT_BINARY, ...clockShiftArgs.attach(999_999, CLOCK_SHIFT_OFFSET_FILE)]);
  expect(missing.exitCode).toBe(CLOCK_SHIFT_EXIT.noProcess);
});
