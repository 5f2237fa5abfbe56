import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A file in a run folder, path relative to it with `/` separators. */
export interface RunFile {
  path: string;
  bytes: number;
}

/** The files of a run folder (not following symlinks out of it), sorted, the report itself excluded. */
export async function listRunFiles(runDir: string, maxFiles = 500): Promise<RunFile[]> {
  const files: RunFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= maxFiles) return;
      const full = join(dir, e.name);
      if (e.isDirectory() && depth < 4) await walk(full, depth + 1);
      else if (e.isFile()) {
        const path = relative(runDir, full).split(sep).join('/');
        if (path !== 'report.html') files.push({ path, bytes: (await stat(full)).size });
      }
    }
  };
  await walk(runDir, 0);
  return files;
}

/** A relative link to a run file that survives odd characters in names. */
export function fileHref(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
