import { appendFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet } from '../../test/support/raw-get.ts';
import { storeRun, validRun } from '../../test/support/report-runs.ts';
import { startStoreServer, type StartedStoreServer } from './store-server.ts';

// A real server on 127.0.0.1 (port 0) over a real store folder: what `faultline serve` runs.
describe('store server hardening', () => {
  let root: string;
  let store: string;
  let runDir: string;
  let brokenDir: string;
  let server: StartedStoreServer;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'faultline-serve-hard-')));
    store = join(root, 'store');
    await mkdir(store);
    // No report.html: the server draws this run on request.
    runDir = await storeRun(store, validRun(), '20260103T000000.000');
    brokenDir = await storeRun(store, validRun(), '20260104T000000.000');
    await writeFile(join(brokenDir, 'history.jsonl'), '{"index": 0, "type": "invoke"\n');
    server = await startStoreServer({ store, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it.each(['//evil.com', '//etcd-list-append', '///etcd-list-append', '/%2Fetcd-list-append', '//etcd-list-append/20260103T000000.000'])('redirects %s to a path on this server, never to another host', async (path) => {
    const res = await rawGet(server.url, path);
    if (res.status === 301) {
      const location = String(res.headers.location);
      expect(location).toMatch(/^\/[^/\\]/);
      expect(new URL(location, server.url).host).toBe(new URL(server.url).host);
    } else expect([403, 404]).toContain(res.status);
  });

  it('redirects a folder without its slash to the same folder', async () => {
    const res = await rawGet(server.url, '//etcd-list-append');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/etcd-list-append/');
  });

  it.each(['evil.com', 'evil.com:80', 'attacker.example:8080', '127.0.0.1.evil.com', 'localhost.evil.com'])('refuses a request whose Host is %s (DNS rebinding)', async (host) => {
    const res = await rawGet(server.url, '/', host);
    expect(res.status).toBe(421);
    expect(res.body).toContain('serves only requests addressed to');
    expect(res.body).not.toContain('runs in');
  });

  it.each(['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST', 'localhost.'])('answers a request whose Host is %s', async (host) => {
    const port = new URL(server.url).port;
    expect((await rawGet(server.url, '/', `${host}:${port}`)).status).toBe(200);
  });

  it('names files relative to the store in error pages, never by their absolute path', async () => {
    const res = await rawGet(server.url, '/etcd-list-append/20260104T000000.000/report.html');
    expect(res.status).toBe(422);
    expect(res.body).toContain('etcd-list-append/20260104T000000.000/history.jsonl');
    expect(res.body).not.toContain(root);
  });

  it('draws a run without report.html once for many parallel requests, and again after the run changes', async () => {
    const path = '/etcd-list-append/20260103T000000.000/report.html';
    const before = server.reportsDrawn();
    const replies = await Promise.all(Array.from({ length: 8 }, () => rawGet(server.url, path)));
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    expect(server.reportsDrawn() - before).toBe(1);
    await rawGet(server.url, path);
    expect(server.reportsDrawn() - before).toBe(1);
    // A re-check rewrites results.json: the page is drawn again from the new files.
    await appendFile(join(runDir, 'results.json'), '\n');
    expect((await rawGet(server.url, path)).status).toBe(200);
    expect(server.reportsDrawn() - before).toBe(2);
  });
});
