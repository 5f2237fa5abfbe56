import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistoryFile } from '../../harness/importers/read-history.ts';
import { corpusMissing, corpusPath, needsCorpus } from '../../test/support/corpus.ts';
import { checkLinearizable } from './linearizable-checker.ts';

const porcupine = corpusPath('porcupine');
const verdicts = (corpusMissing ? { etcd: {}, kv: {} } : JSON.parse(readFileSync(join(porcupine, 'verdicts.json'), 'utf8'))) as Record<'etcd' | 'kv', Record<string, boolean>>;

describe.skipIf(corpusMissing)(needsCorpus('Porcupine corpus: every history gets the recorded verdict'), () => {
  it('has a verdict for every etcd log but the empty etcd_095, and for the 6 kv files', () => {
    const logs = readdirSync(join(porcupine, 'jepsen')).filter((f) => f.endsWith('.log'));
    expect(logs).toHaveLength(103);
    expect(logs.filter((f) => !(f in verdicts.etcd))).toEqual(['etcd_095.log']);
    expect(Object.keys(verdicts.kv)).toHaveLength(6);
  });

  it.each(Object.entries(verdicts.etcd))('etcd %s is linearizable: %s (cas-register)', async (name, expected) => {
    const history = await readHistoryFile(join(porcupine, 'jepsen', name));
    const r = await checkLinearizable(history, { model: 'cas-register' });
    expect(r.valid).toBe(expected);
    if (!expected) {
      expect(r.anomalies).toHaveLength(1);
      expect(r.anomalies[0]!.type).toBe('nonlinearizable');
    }
  });

  it('etcd_095 is empty: valid, as Porcupine says, and flagged vacuous', async () => {
    const history = await readHistoryFile(join(porcupine, 'jepsen', 'etcd_095.log'));
    expect(history).toEqual([]);
    const r = await checkLinearizable(history, { model: 'cas-register' });
    expect(r).toMatchObject({ valid: true, vacuous: true, vacuousReason: 'the history has no client operations' });
    expect(r.error).toBeUndefined();
  });

  it.each(Object.entries(verdicts.kv))('kv %s is linearizable: %s (kv, per key)', async (name, expected) => {
    const history = await readHistoryFile(join(porcupine, 'kv', name));
    const r = await checkLinearizable(history, { model: 'kv' });
    expect(r.valid).toBe(expected);
    expect(r.anomalies.every((a) => a.type === 'nonlinearizable' && typeof a.key === 'string')).toBe(true);
  });

  it.each(['c01-ok.txt', 'c01-bad.txt', 'c10-ok.txt', 'c10-bad.txt'])('kv %s gets the same verdict with decomposition off', async (name) => {
    const history = await readHistoryFile(join(porcupine, 'kv', name));
    expect((await checkLinearizable(history, { model: 'kv', perKey: false })).valid).toBe(verdicts.kv[name]);
  });
});
