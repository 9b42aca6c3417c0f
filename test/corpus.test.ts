import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORPUS_FORMAT, CorpusError, corpusFiles, parseEntry, readEntry, serialiseEntry, type CorpusEntry } from '../harness/corpus.ts';
import { replayEntry } from '../harness/replay.ts';
import { stackSubject } from '../harness/subject.ts';
import { upstreamProfile } from '../generators/profiles.ts';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

describe('corpus: every counterexample replays against model and implementation', () => {
  const files = corpusFiles(CORPUS);
  it('has entries', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(file.slice(file.lastIndexOf('/') + 1), () => {
      const entry = readEntry(file);
      const r = replayEntry(entry, stackSubject);
      expect(r.difference, r.difference?.message).toBeNull();
      expect(r.verdict, r.violation?.message).toBe(entry.expect);
    });
  }
});

describe('corpus format', () => {
  const entry: CorpusEntry = {
    format: CORPUS_FORMAT, property: 'I6', title: 't', seed: 1, expect: 'holds' as const, profile: upstreamProfile,
    ops: [
      { kind: 'SET_FEATURES' as const, features: 1n << 33n },
      { kind: 'IOTLB_WRITE' as const, msg: { header: 2, layout: 'lp64' as const, asid: 0, iova: 0n, size: 0x1000n, uaddr: (1n << 64n) - 1n, perm: 3, type: 2 } },
    ],
  };

  it('round-trips u64 values exactly', () => {
    const back = parseEntry(serialiseEntry(entry), 'x.json');
    expect(back.ops).toEqual(entry.ops);
    expect(back.profile).toEqual(entry.profile);
  });

  it.each([
    ['not json', '{', /x.json: not JSON/],
    ['foreign json', '{"hello": 1}', /x.json: format: expected "negcheck-counterexample\/1"/],
    ['bad u64', serialiseEntry(entry).replace('"0x200000000"', '"banana"'), /bad u64 value "banana"/],
    ['unknown op', serialiseEntry(entry).replace('"SET_FEATURES"', '"SET_FEATURE"'), /x.json.ops\[0\].kind: unknown op kind "SET_FEATURE"/],
    ['missing field', serialiseEntry(entry).replace('"maxIotlbEntries": 2048,', ''), /x.json.profile.kernel.maxIotlbEntries: expected int/],
    ['u64 as number', serialiseEntry(entry).replace('{\n          "u64": "0x1000"\n        }', '4096'), /x.json.ops\[1\].msg.size: expected a u64/],
  ])('rejects %s with a message naming the field', (_name, text, message) => {
    expect(() => parseEntry(text, 'x.json')).toThrow(CorpusError);
    expect(() => parseEntry(text, 'x.json')).toThrow(message);
  });
});
