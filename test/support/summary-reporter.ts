import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the closing line CI reads: `N passed, N failed[, N skipped]`. A test file that fails to
 * load counts as one failure, so a broken import can never turn into a green run. Above it, why
 * tests were skipped, for those whose name says (`… — skipped: REASON`, test/support/corpus.ts).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const mod of testModules) {
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const reason = /— skipped: (.*?)(?: > |$)/.exec(test.fullName)?.[1];
          if (reason !== undefined) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
      if (mod.state() === 'failed' && tests === 0) failed++;
      else if (mod.errors().length > 0) failed += mod.errors().length;
    }
    for (const [reason, n] of reasons) process.stdout.write(`\nskipped ${n} test${n === 1 ? '' : 's'}: ${reason}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}
