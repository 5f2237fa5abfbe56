import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import type { NodeImage } from '../harness/database.ts';
import { EnvironmentError, InputError, errorText } from '../harness/errors.ts';
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
  /** The image's name: its folder under docker/ (`etcd`), a build context's name, or the ref. */
  name: string;
  /** `faultline/etcd:<first 12 hex of the hash>`, or the ref as given. */
  tag: string;
  /** The build context's content hash (empty for a ref). */
  hash: string;
  built: boolean;
}

/** An image faultline builds or finds: a folder under docker/ by name (its own), or a database's NodeImage. */
export type ImageSource = string | NodeImage;

export interface ImageOptions {
  docker?: Docker;
  log?: (line: string) => void;
  /** Build even when an image with this hash exists, without the layer cache (benchmarks). */
  noCache?: boolean;
  /** Tag under another repository (benchmarks build a throwaway copy). */
  repository?: string;
  /** For an image named by its folder: the build context when that folder is not under docker/ (ssh/practice-host). */
  dir?: string;
}

/** Never part of a build context (a user's context may sit in a project with its dependencies). */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

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
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      }
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

/**
 * The image for a folder under docker/ or a database's NodeImage: a build context is built (after
 * the base image) only when its content changed; a ref is used as it is, pulled when missing. A
 * build context outside docker/ is the user's, so its failures are bad input (exit 254) that
 * name its Dockerfile; faultline's own failing to build is the machine's.
 */
export async function ensureImage(source: ImageSource, options: ImageOptions = {}): Promise<ImageRef> {
  const docker = options.docker ?? dockerClient();
  const log = options.log ?? stderrLog;
  if (typeof source !== 'string' && 'ref' in source) return ensureRef(docker, source.ref, log);
  const name = typeof source === 'string' ? source : source.name;
  const dir = typeof source === 'string' ? (options.dir ?? join(IMAGES_DIR, source)) : resolve(source.context);
  // faultline's own images (by name, or a built-in database's context under docker/); the rest are the user's.
  const own = typeof source === 'string' || isInside(dir, IMAGES_DIR);
  const dockerfile = join(dir, 'Dockerfile');
  if (!existsSync(dockerfile)) {
    if (own) throw new InputError(`no image ${JSON.stringify(name)}: ${dockerfile} does not exist (images: ${imageNames().join(', ')})`);
    throw new InputError(`image.context: no Dockerfile in ${dir}`, dockerfile);
  }
  const hash = contextHash(dir);
  const tag = imageTag(name, hash, options.repository);
  if (!options.noCache && (await imageExists(docker, tag))) return { name, tag, hash, built: false };
  await ensureBaseImage({ docker, log });
  return withFileLock(
    `image-${name.replaceAll('/', '-')}`, // a lock file name: tools/lazyfs → tools-lazyfs
    async () => {
      if (!options.noCache && (await imageExists(docker, tag))) return { name, tag, hash, built: false };
      log(`building image ${tag} from ${typeof source === 'string' && options.dir === undefined ? `docker/${name}/Dockerfile` : dockerfile} (new or changed)`);
      const started = Date.now();
      try {
        await buildImage(docker, dir, tag, { [IMAGE_LABEL]: name, [HASH_LABEL]: hash }, options.noCache ?? false, log);
      } catch (err) {
        if (own || !(err instanceof EnvironmentError)) throw err;
        throw new InputError(`image.context: ${err.message}`, dockerfile);
      }
      log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { name, tag, hash, built: true };
    },
    { log, waitMessage: `waiting for another faultline process that is building ${tag}` },
  );
}

/** An image named by the user: used when present, else pulled (a machine that reaches a registry). */
async function ensureRef(docker: Docker, ref: string, log: (line: string) => void): Promise<ImageRef> {
  const found = { name: ref, tag: ref, hash: '', built: false };
  if (await imageExists(docker, ref)) return found;
  log(`image ${ref} is not on this machine; pulling it`);
  try {
    await followProgress(docker, await docker.pull(ref), 10 * 60_000);
  } catch (err) {
    throw new InputError(`image.ref: ${ref} is not on this machine and could not be pulled (${errorText(err, { name: false, max: 300 })}); without a registry, give a build context instead`);
  }
  return found;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
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
