import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from './errors.ts';

/**
 * Fails before any work when an output file (a report, a JUnit file) could not be written at the
 * end, or would overwrite one of the inputs: `check h.jsonl --report h.jsonl` must not replace
 * the history with HTML. The same file reached by another path (`./h.jsonl`, a symlink, a hard
 * link) counts as the same. `what` names the output in the message ("the report").
 */
export async function checkOutputPath(file: string, what: string, inputs: readonly string[] = []): Promise<void> {
  const fail = (why: string) => new InputError(`cannot write ${what}: ${why}`, file);
  const dir = await stat(dirname(file)).catch(() => undefined);
  if (!dir?.isDirectory()) throw fail('no such folder');
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw fail('is a folder');
  if (existing) {
    for (const input of inputs) {
      const other = await stat(input).catch(() => undefined);
      if (other && other.dev === existing.dev && other.ino === existing.ino) throw fail(`it is the input ${input}; writing there would replace it`);
    }
  }
  try {
    await access(existing ? file : dirname(file), constants.W_OK);
  } catch (err) {
    throw fail(`not writable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
