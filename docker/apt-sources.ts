import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../harness/errors.ts';

/** One apt source entry, from either a deb822 stanza or a one-line `deb` entry. */
export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** The file it came from, for messages. */
  file: string;
}

/** deb822 `.sources` files: stanzas of `Field: value` separated by blank lines. */
export function parseDeb822(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (/^[ \t]/.test(line) && last !== undefined) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
    if (!fields.has('uris') || /^(no|false|0)$/i.test(fields.get('enabled') ?? 'yes')) continue;
    const words = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
    sources.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components'), file });
  }
  return sources;
}

/** One-line `sources.list` entries: `deb [options] uri suite component…`. */
export function parseOneLine(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, ' ').trim();
    const [type, uri, suite, ...components] = line.split(/\s+/);
    if ((type !== 'deb' && type !== 'deb-src') || !uri || !suite) continue;
    sources.push({ types: [type], uris: [uri], suites: [suite], components, file });
  }
  return sources;
}

/** Every source apt itself would read under `root` (`.list` and `.sources` files only). */
export function readAptSources(root = '/etc/apt'): AptSource[] {
  const sources: AptSource[] = [];
  const main = join(root, 'sources.list');
  if (existsSync(main)) sources.push(...parseOneLine(readFileSync(main, 'utf8'), main));
  const dir = join(root, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of files) {
    const path = join(dir, name);
    if (name.endsWith('.list')) sources.push(...parseOneLine(readFileSync(path, 'utf8'), path));
    else if (name.endsWith('.sources')) sources.push(...parseDeb822(readFileSync(path, 'utf8'), path));
  }
  return sources;
}

/** Debian release names and aliases: another release's main archive is on the same mirror. */
const DEBIAN_SUITE = /^(oldoldstable|oldstable|stable|testing|unstable|sid|experimental|buster|bullseye|bookworm|trixie|forky|duke)$/;

/**
 * The Debian mirror to debootstrap `suite` from: the first binary (`deb`) source with component
 * `main` that carries `suite` itself; failing that, one that carries another Debian release's
 * main archive (a mirror serves every release). Security and update archives and third-party
 * repositories never qualify.
 */
export function pickDebianMirror(sources: AptSource[], suite = 'bookworm'): string | undefined {
  const usable = sources.filter(
    (s) => s.types.includes('deb') && s.components.includes('main') && s.uris.some((u) => /^https?:\/\//.test(u)),
  );
  const exact = usable.find((s) => s.suites.includes(suite));
  const fallback = usable.find((s) => s.suites.some((x) => DEBIAN_SUITE.test(x)));
  const uri = (exact ?? fallback)?.uris.find((u) => /^https?:\/\//.test(u));
  return uri?.replace(/\/+$/, '');
}

/** The mirror from this machine's apt sources, or a specific error naming where it looked. */
export function debianMirror(root = '/etc/apt', suite = 'bookworm'): string {
  const mirror = pickDebianMirror(readAptSources(root), suite);
  if (mirror === undefined) {
    throw new EnvironmentError(
      `no Debian mirror found in ${root}/sources.list or ${root}/sources.list.d/*.{list,sources}: expected a "deb" entry with component "main" for ${suite}`,
    );
  }
  return mirror;
}
