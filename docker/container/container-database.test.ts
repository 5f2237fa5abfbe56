import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/support/fake-cluster.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { InputError } from '../../harness/errors.ts';
import { containerDatabase } from './container-database.ts';
import { containerSpecProblems, defaultProcessPattern, placeholderValues, substitute, type ContainerSpec } from './container-spec.ts';

const spec: ContainerSpec = {
  name: 'kv',
  image: { context: new URL('./', import.meta.url) },
  start: ['kv-server', '--name', '{{node}}', '--listen', '{{ip}}:{{port}}', '--peers', '{{peers}}', '--data', '{{dataDir}}'],
  env: { KV_SELF: '{{ node }}' },
  port: 7000,
  dataDir: '/data/kv',
  ready: { command: 'kv-ready {{node}}' },
  user: 'kv',
};

const test: TestSpec = { name: 't', db: 'kv', workload: 'register', nodes: 3, concurrency: 3, rate: 0, timeLimit: 1, nemesis: [], nemesisInterval: 10, recovery: 0, seed: 1, options: {} };

describe('a container database spec', () => {
  it('substitutes the node, its address, its peers and the data dir', () => {
    const nodes = [1, 2, 3].map((i) => ({ name: `n${i}`, ip: `10.213.7.${10 + i}` }));
    const values = placeholderValues(nodes[1]!, nodes, 7000, '/data/kv');
    expect(values).toEqual({ node: 'n2', ip: '10.213.7.12', port: '7000', peers: 'n1=10.213.7.11:7000,n3=10.213.7.13:7000', nodes: 'n1=10.213.7.11:7000,n2=10.213.7.12:7000,n3=10.213.7.13:7000', dataDir: '/data/kv' });
    expect(substitute('--me {{node}}@{{ ip }}:{{port}} {{peers}}', values)).toBe('--me n2@10.213.7.12:7000 n1=10.213.7.11:7000,n3=10.213.7.13:7000');
  });

  it('kills and pauses the program the start command runs, unless told a pattern', () => {
    expect(defaultProcessPattern(['/usr/bin/kv.server', '--x'])).toBe('^/usr/bin/kv\\.server( |$)');
    expect(defaultProcessPattern('node /app/store.mjs --port {{port}}')).toBe('^node( |$)');
    expect(new RegExp(defaultProcessPattern('node /app/s.mjs')).test('node /app/s.mjs --port 1')).toBe(true);
    expect(new RegExp(defaultProcessPattern('node /app/s.mjs')).test('nodejs x')).toBe(false);
  });

  it('names every problem by its field', () => {
    const problems = containerSpecProblems({ name: 'Bad Name', image: { context: 'relative/dir' }, start: '--peers {{peer}}', port: 0, ready: { http: 'health' }, process: '(', env: { A: '{{nope}}' } });
    expect(containerSpecProblems({ ...spec, ready: { command: ['ping', '{{host}}'] } })).toEqual(['ready.command: unknown placeholder {{host}} (known: {{node}}, {{ip}}, {{port}}, {{peers}}, {{nodes}}, {{dataDir}})']);
    expect(problems).toEqual([
      `name must be lower-case letters, digits, '.', '_' or '-' (got "Bad Name")`,
      `image.context must be an absolute path or a file URL (new URL('./folder/', import.meta.url)), got "relative/dir"`,
      'start: unknown placeholder {{peer}} (known: {{node}}, {{ip}}, {{port}}, {{peers}}, {{nodes}}, {{dataDir}})',
      'env.A: unknown placeholder {{nope}} (known: {{node}}, {{ip}}, {{port}}, {{peers}}, {{nodes}}, {{dataDir}})',
      'port must be an integer from 1 to 65535 (got 0)',
      'ready.http must be a path starting with / (got "health")',
      'process must be a regular expression (got "(")',
    ]);
    expect(containerSpecProblems(spec)).toEqual([]);
  });

  it('refuses a definition without a start command, saying what start is', () => {
    const { start: _, ...noStart } = spec;
    expect(() => containerDatabase(noStart as ContainerSpec)).toThrow(InputError);
    expect(() => containerDatabase(noStart as ContainerSpec)).toThrow(/database "kv": start is missing: the command each node runs/);
  });
});

describe('a container database on a fake cluster', () => {
  it('makes the data dir, starts every node with its own command line, then waits for each to be ready', async () => {
    const db = containerDatabase(spec).create();
    expect(db.image).toEqual({ name: 'kv', context: import.meta.dirname });
    const cluster = new FakeCluster('run1', 3);
    await db.setup(cluster, test);
    const n2 = cluster.calls.filter((c) => c.startsWith('exec n2'));
    expect(n2[0]).toBe('exec n2 sh -c rm -rf "$1" && mkdir -p "$1" "$2" && chown "$3" "$1" "$2" sh /data/kv /var/log/faultline kv');
    expect(n2[1]).toBe('exec n2 sh -c exec "$0" "$@" >>/var/log/faultline/kv.log 2>&1 kv-server --name n2 --listen 192.0.2.2:7000 --peers n1=192.0.2.1:7000,n3=192.0.2.3:7000 --data /data/kv');
    expect(n2[2]).toBe('exec n2 sh -c kv-ready n2');
    // Every node is launched before the first readiness probe.
    const lastLaunch = Math.max(...cluster.calls.map((c, i) => (c.includes('kv-server --name') ? i : -1)));
    const firstProbe = cluster.calls.findIndex((c) => c.includes('kv-ready'));
    expect(lastLaunch).toBeLessThan(firstProbe);
    expect(db.logFiles?.('n1')).toEqual(['/var/log/faultline/kv.log']);
    expect(db.honoursFaketime).toBe(false);
    expect(db.primaries).toBeUndefined();
  });

  it('a probe that never succeeds names the node, what the probe said and the last log line', async () => {
    const db = containerDatabase({ ...spec, readyTimeoutMs: 300 }).create();
    const cluster = new FakeCluster('run2', 1);
    cluster.answer = (_node, argv) => (argv.at(-1) === 'kv-ready n1' ? { exitCode: 1, stderr: 'not yet\n' } : argv[0] === 'tail' ? { stdout: 'kv: listening on the wrong port\n' } : undefined);
    // The fake node reports the process as gone: the run says it exited rather than waiting it out.
    await expect(db.setup(cluster, test)).rejects.toThrow(/^(start: kv on n1 exited while starting|ready: kv on n1 not ready after 300 ms \(ready command exited 1: not yet\)); last log line: kv: listening on the wrong port$/);
    await expect(db.setup(cluster, test)).rejects.toBeInstanceOf(InputError);
  });
});
