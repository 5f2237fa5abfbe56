import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextFiles, contextHash, IMAGES_DIR, imageNames, imageTag } from './images.ts';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'img-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('image build contexts', () => {
  it('hold every file but the TypeScript lifecycle code, sorted', () => {
    const dir = folder({ Dockerfile: 'FROM x', 'conf/b.cnf': 'b', 'a.sh': 'a', 'db.ts': 'code', 'db.test.ts': 'test' });
    expect(contextFiles(dir)).toEqual(['Dockerfile', 'a.sh', 'conf/b.cnf']);
  });

  it('hash the same for the same content and differently for any change that reaches the image', () => {
    const files = { Dockerfile: 'FROM debian:bookworm-slim\nRUN true\n', 'init.sh': 'echo hi\n' };
    const a = folder(files);
    const b = folder(files);
    expect(contextHash(a)).toBe(contextHash(b));
    expect(contextHash(a)).toMatch(/^[0-9a-f]{64}$/);
    const before = contextHash(a);
    writeFileSync(join(a, 'lifecycle.ts'), 'export {}');
    expect(contextHash(a)).toBe(before);
    writeFileSync(join(b, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN false\n');
    expect(contextHash(b)).not.toBe(before);
    const c = folder(files);
    chmodSync(join(c, 'init.sh'), 0o755);
    expect(contextHash(c)).not.toBe(before);
    const d = folder({ ...files, 'extra.conf': '' });
    expect(contextHash(d)).not.toBe(before);
  });

  it('are tagged by hash, and the etcd image is one of them', () => {
    expect(imageTag('etcd', 'abcdef0123456789')).toBe('faultline/etcd:abcdef012345');
    expect(imageNames(IMAGES_DIR)).toContain('etcd');
  });
});
