import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

/**
 * The floors (docs/architecture.md): imports only go down. `harness/` is the ground and imports
 * no other project folder; the middle folders import the ground, their own folder, and only the
 * contract modules of the other middle folders; the top imports anything. Tests and their
 * helpers (`*.test.ts`, `test/`) are not checked: a test may reach into any floor.
 */
export const FLOORS = {
  ground: ['harness'],
  middle: ['checkers', 'docker', 'nemesis', 'workloads', 'reports', 'ssh'],
  top: ['api', 'cli', 'bench', 'bin', 'scripts'],
} as const;

/**
 * What each middle folder offers the others. Everything else in a middle folder is internal: a
 * change there cannot break another folder.
 */
export const CONTRACTS: Readonly<Record<(typeof FLOORS.middle)[number], readonly string[]>> = {
  checkers: [
    'checkers/checker.ts', // the Checker interface: check, meanings, explanation kinds
    'checkers/registry.ts', // checkers by name
    'checkers/explanations.ts', // explanation data the report draws (cycle, linearizability, 2PC locks)
    'checkers/conventions.ts', // values a workload writes for a checker to read (final reads, doctor keys)
  ],
  docker: [
    'docker/databases.ts', // databases by name
    'docker/host-tools.ts', // host tools a fault runs (sbin PATH, whether the kernel has netem)
  ],
  nemesis: ['nemesis/registry.ts'],
  workloads: [
    'workloads/workload.ts', // the Workload interface and how a database gets its client
    'workloads/registry.ts', // workloads by name
    'workloads/register/options.ts', // what a register client must honour (timeouts, read consistency)
    'workloads/sql/sql-dialect.ts', // the SQL capability a database offers to every SQL workload
  ],
  reports: ['reports/write-report.ts'],
  ssh: [
    'ssh/inventory.ts', // hosts from a YAML file or --hosts flags
    'ssh/ssh-cluster.ts', // the Cluster contract on hosts reached over SSH
    'ssh/clean-hosts.ts', // what dead runs left on hosts
    'ssh/practice-hosts.ts', // Debian sshd containers that stand in for remote machines
  ],
};

export interface SourceFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  source: string;
}

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

type Floor = keyof typeof FLOORS;

function folderOf(path: string): string {
  return path.split('/')[0]!;
}

function floorOf(path: string): Floor | undefined {
  const folder = folderOf(path);
  return (Object.keys(FLOORS) as Floor[]).find((f) => (FLOORS[f] as readonly string[]).includes(folder));
}

/** Whether `path` is a test or a test helper (not checked, and never imported by the product). */
export function isTestFile(path: string): boolean {
  return /\.test\.ts$/.test(path) || folderOf(path) === 'test';
}

/** The project files a module imports (relative specifiers only; packages are not the floors' business). */
export function relativeImports(file: SourceFile): string[] {
  const info = ts.preProcessFile(file.source, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('./') || s.startsWith('../')).map((s) => normalize(join(dirname(file.path), s)).split('\\').join('/'));
}

/** Every import among `files` that breaks the floors, with the rule it breaks. */
export function floorViolations(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    if (isTestFile(file.path)) continue;
    const from = floorOf(file.path);
    for (const target of relativeImports(file)) {
      const add = (why: string) => out.push({ file: file.path, imports: target, why });
      if (isTestFile(target)) {
        // Benchmarks measure with the test fixtures (simulated stores, the corpus, report runs).
        if (folderOf(file.path) !== 'bench') add('product code imports a test helper');
        continue;
      }
      const to = floorOf(target);
      if (from === undefined) {
        add(`${folderOf(file.path)}/ is on no floor: add it to FLOORS`);
        continue;
      }
      if (to === undefined) {
        add(`${folderOf(target)}/ is on no floor`);
        continue;
      }
      if (from === 'ground' && to !== 'ground') add(`the ground floor (harness/) imports the ${to} floor`);
      else if (from === 'middle' && to === 'top') add('a middle folder imports the top floor');
      else if (from === 'middle' && to === 'middle' && folderOf(target) !== folderOf(file.path)) {
        const folder = folderOf(target) as keyof typeof CONTRACTS;
        if (!CONTRACTS[folder].includes(target)) add(`${folderOf(file.path)}/ imports an internal module of ${folder}/ (its contracts: ${CONTRACTS[folder].join(', ')})`);
      }
    }
  }
  return out;
}

/** The repository's source files as the checker reads them. */
export function readSources(root: string, paths: readonly string[]): SourceFile[] {
  return paths.map((path) => ({ path, source: readFileSync(join(root, path), 'utf8') }));
}
