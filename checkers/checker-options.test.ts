import { describe, expect, it } from 'vitest';
import { CHECKER_OPTIONS, optionFlag } from './checker-options.ts';
import { checkers } from './registry.ts';

describe('checker options', () => {
  it('every option a registered checker reads is a flag of check, and every flag is read by some checker', () => {
    const read = new Set(checkers.all().flatMap((c) => c.options ?? []));
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((name) => !(name in CHECKER_OPTIONS))).toEqual([]);
    expect(Object.keys(CHECKER_OPTIONS).filter((name) => !read.has(name))).toEqual([]);
  });

  it('flags are the kebab-case names', () => {
    expect(['consistencyModel', 'maxMemoryBytes', 'model'].map(optionFlag)).toEqual(['consistency-model', 'max-memory-bytes', 'model']);
  });
});
