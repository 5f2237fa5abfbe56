// A writer for the atomic-results test: rewrites argv[2]/results.json as fast as it can with
// results of different sizes, printing "wrote" after the first. The test kills it mid-write.
import { writeResults } from '../../harness/store/run-folder.ts';
import type { RunResult } from '../../harness/store/run-result.ts';

const dir = process.argv[2]!;
for (let i = 0; ; i++) {
  const anomalies = Array.from({ length: 2_000 + (i % 7) * 1_000 }, (_, k) => ({ type: 'G0', text: `cycle ${i}.${k}`, ops: [k, k + 1] }));
  const result = { valid: false, anomalyTypes: ['G0'], checkers: { elle: { checker: 'elle', valid: false, anomalyTypes: ['G0'], anomalies } }, generation: i } as unknown as RunResult;
  await writeResults(dir, result);
  if (i === 0) process.stdout.write('wrote\n');
}
