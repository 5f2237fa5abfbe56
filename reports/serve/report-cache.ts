import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from '../../harness/store/run-folder.ts';

/** A page as sent: status and body. */
export interface DrawnPage {
  status: number;
  body: string;
}

/**
 * Reports drawn on request for runs without report.html. Drawing one reads the whole history
 * and takes seconds and hundreds of MB, so it happens once per run however many requests come
 * at once (they share one drawing) and is kept until the run's files change.
 */
export class ReportCache {
  private readonly pages = new Map<string, { key: string; page: Promise<DrawnPage> }>();
  private drawn = 0;

  /** `max` runs' pages are kept, the least recently used dropped first. */
  constructor(
    private readonly draw: (runDir: string) => Promise<DrawnPage>,
    private readonly max = 4,
  ) {}

  /** How many times a page was drawn (not served from the cache). */
  get draws(): number {
    return this.drawn;
  }

  async get(runDir: string): Promise<DrawnPage> {
    const key = await fingerprint(runDir);
    const hit = this.pages.get(runDir);
    if (hit?.key === key) {
      this.pages.delete(runDir);
      this.pages.set(runDir, hit);
      return hit.page;
    }
    this.drawn++;
    const page = this.draw(runDir);
    this.pages.set(runDir, { key, page });
    // A failure that is not the run's fault (500: out of file handles…) is tried again next time.
    void page.then(
      (p) => p.status >= 500 && this.forget(runDir, page),
      () => this.forget(runDir, page),
    );
    while (this.pages.size > this.max) this.pages.delete(this.pages.keys().next().value!);
    return page;
  }

  private forget(runDir: string, page: Promise<DrawnPage>): void {
    if (this.pages.get(runDir)?.page === page) this.pages.delete(runDir);
  }
}

/** Changes when any file the report is drawn from changes, or files are added or removed. */
async function fingerprint(runDir: string): Promise<string> {
  const paths = [runDir, ...[RUN_FILES.test, RUN_FILES.results, RUN_FILES.history].map((f) => join(runDir, f))];
  const stamps = await Promise.all(paths.map((p) => stat(p).then((s) => `${s.mtimeMs}/${s.size}`, () => '-')));
  return stamps.join(':');
}
