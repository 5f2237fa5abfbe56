import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { dockerClient } from '../../engine.ts';
import { ensureImage } from '../../images.ts';
import { controllerLabels } from '../../labels.ts';

// lazyfs built by its Dockerfile (FROM debian:bookworm-slim) and mounted inside a container,
// as a database node will use it: with /dev/fuse and CAP_SYS_ADMIN, and refused without them.
const FUSE_DEVICE = { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' };

async function runScript(docker: Docker, image: string, script: string, hostConfig: Docker.HostConfig): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', script],
    Tty: true, // one plain output stream
    Labels: controllerLabels(`lazyfs-test-${process.pid}`),
    HostConfig: hostConfig,
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
    return { code: StatusCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

describe('lazyfs in a container', () => {
  it('mounts with /dev/fuse and SYS_ADMIN: an fsynced write survives lose, an unsynced one does not', async () => {
    const image = await ensureImage('tools/lazyfs');
    const script = [
      'set -e',
      'mkdir -p /backing /data',
      'lazyfs /backing /data -o auto_unmount',
      'printf acknowledged | dd of=/data/kept conv=fsync status=none', // dd fsyncs before exiting
      'printf volatile > /data/lost',
      'cat /data/.lazyfs/stat',
      'exec 3<>/data/.lazyfs/ctl; echo lose >&3; cat <&3; exec 3>&-',
      'echo "files: $(ls /data)"',
      'echo "kept: $(cat /data/kept)"',
      'fusermount3 -u /data',
      'echo "mounts left: $(grep -c lazyfs /proc/mounts || true)"',
    ].join('\n');
    const r = await runScript(dockerClient(), image.tag, script, { Devices: [FUSE_DEVICE], CapAdd: ['SYS_ADMIN'] });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/"dirty_files":1,/);
    expect(r.output).toContain('{"lost_bytes":4096,"lost_files":1,"undone_names":1}');
    expect(r.output).toMatch(/files: kept\r?\n/);
    expect(r.output).toMatch(/kept: acknowledged\r?\n/);
    expect(r.output).toMatch(/mounts left: 0/);
  });

  it('fails with the kernel’s reason where the container has no /dev/fuse or no SYS_ADMIN', async () => {
    const image = await ensureImage('tools/lazyfs');
    const script = 'mkdir -p /backing /data; lazyfs /backing /data; echo "exit $?"';
    const noDevice = await runScript(dockerClient(), image.tag, script, { CapAdd: ['SYS_ADMIN'] });
    expect(noDevice.output).toMatch(/fuse: device not found/);
    expect(noDevice.output).toMatch(/exit [1-9]/);
    const noCap = await runScript(dockerClient(), image.tag, script, { Devices: [FUSE_DEVICE] });
    expect(noCap.output).toMatch(/fusermount3: mount failed: Operation not permitted/);
    expect(noCap.output).toMatch(/exit [1-9]/);
  });
});
