import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { EnvironmentError, InputError } from '../harness/errors.ts';
import { ensureBaseImage } from './base-image.ts';
import { dockerClient, stderrLog } from './engine.ts';
import { withFileLock } from './file-lock.ts';
import { followProgress, imageExists } from './image-progress.ts';

/** docker/ itself: one folder per image, each with a Dockerfile. */
export const IMAGES_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Labels faultline puts on the images it builds. */
export const IMAGE_LABEL = 'faultline.image';
export const HASH_LABEL = 'faultline.hash';

export interface ImageRef {
  /** Folder name under docker/, e.g. `etcd`. */
  name: string;
  /** `faultline/etcd:<first 12 hex of the hash>`. */
  tag: string;
  hash: string;
  built: boolean;
}

export interface ImageOptions {
  docker?: Docker;
  log?: (line: string) => void;
  /** Build even when an image with this hash exists, without the layer cache (benchmarks). */
  noCache?: boolean;
  /** Tag under another repository (benchmarks build a throwaway copy). */
  repository?: string;
  /** The build context when the image's folder is not under docker/ (ssh/practice-host). */
  dir?: string;
}

/**
 * The files of an image's build context: everything in its folder but the TypeScript lifecycle
 * code that lives beside the Dockerfile (editing that must not rebuild the image). Sorted,
 * relative, with `/` separators.
 */
export function contextFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && !entry.name.endsWith('.ts')) files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/** Content hash of a build context: names, executable bits and bytes of every context file. */
export function contextHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of contextFiles(dir)) {
    const path = join(dir, file);
    const executable = (statSync(path).mode & 0o111) !== 0;
    const content = readFileSync(path);
    hash.update(`${file}\0${executable ? 'x' : '-'}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** Folders under docker/ that hold a Dockerfile. */
export function imageNames(root = IMAGES_DIR): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'Dockerfile')))
    .map((e) => e.name)
    .sort();
}

export function imageTag(name: string, hash: string, repository = 'faultline'): string {
  return `${repository}/${name}:${hash.slice(0, 12)}`;
}

/** The image for `docker/<name>/`, built (after the base image) only when its context changed. */
export async function ensureImage(name: string, options: ImageOptions = {}): Promise<ImageRef> {
  const docker = options.docker ?? dockerClient();
  const log = options.log ?? stderrLog;
  const dir = options.dir ?? join(IMAGES_DIR, name);
  if (!existsSync(join(dir, 'Dockerfile'))) {
    throw new InputError(`no image ${JSON.stringify(name)}: ${join(dir, 'Dockerfile')} does not exist (images: ${imageNames().join(', ')})`);
  }
  const hash = contextHash(dir);
  const tag = imageTag(name, hash, options.repository);
  if (!options.noCache && (await imageExists(docker, tag))) return { name, tag, hash, built: false };
  await ensureBaseImage({ docker, log });
  return withFileLock(
    `image-${name.replaceAll('/', '-')}`, // a lock file name: tools/lazyfs → tools-lazyfs
    async () => {
      if (!options.noCache && (await imageExists(docker, tag))) return { name, tag, hash, built: false };
      log(`building image ${tag} from ${options.dir === undefined ? `docker/${name}` : dir}/Dockerfile (new or changed)`);
      const started = Date.now();
      await buildImage(docker, dir, tag, { [IMAGE_LABEL]: name, [HASH_LABEL]: hash }, options.noCache ?? false, log);
      log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { name, tag, hash, built: true };
    },
    { log, waitMessage: `waiting for another faultline process that is building ${tag}` },
  );
}

async function buildImage(
  docker: Docker,
  dir: string,
  tag: string,
  labels: Record<string, string>,
  noCache: boolean,
  log: (line: string) => void,
): Promise<void> {
  const output: string[] = [];
  const stream = await docker.buildImage(
    { context: dir, src: contextFiles(dir) },
    { t: tag, labels, rm: true, forcerm: true, nocache: noCache },
  );
  try {
    await followProgress(docker, stream, 30 * 60_000, (event) => {
      const line = event.stream?.trimEnd();
      if (!line) return;
      output.push(...line.split('\n'));
      if (/^Step \d+\/\d+ :/.test(line)) log(`  ${line}`);
    });
  } catch (err) {
    const tail = output.slice(-5).join(' | ');
    throw new EnvironmentError(`building ${tag} failed: ${(err as Error).message}${tail ? `; last output: ${tail}` : ''}`);
  }
}

/** Local images built from docker/<name>/ with their hash labels, newest first (for doctor). */
export async function builtImages(docker: Docker, name: string): Promise<{ tag: string; hash: string; created: number }[]> {
  const images = await docker.listImages({ filters: { label: [`${IMAGE_LABEL}=${name}`] } });
  return images
    .flatMap((img) => (img.RepoTags ?? []).map((tag) => ({ tag, hash: img.Labels?.[HASH_LABEL] ?? '', created: img.Created })))
    .sort((a, b) => b.created - a.created);
}
