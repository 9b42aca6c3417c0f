// The model and the implementation against the kernel's own answers (shared/conformance/): P0
// cannot see a misreading the two share; these vectors can. Mismatches are listed by trace and op.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { negcheck } from './negcheck.ts';
import { defaultVectorDir, replayVectorFile, type Side, VECTOR_FILES } from '../conformance/index.ts';
import { replayIotlbVectors } from '../conformance/iotlbVectors.ts';
import { formatMismatch } from '../conformance/vectors.ts';
import { createModelIotlbTable } from '../model/iotlbTable.ts';

// The replay runs inside the test, not while the file is collected: Stryker activates a mutant
// for the tests that cover it, so code run at collection would judge no mutant.
describe.each<Side>(['model', 'impl'])('kernel conformance vectors on the %s', side => {
  it.each(VECTOR_FILES)('%s: every answer is the kernel\'s', file => {
    const r = replayVectorFile(defaultVectorDir(), file, side);
    expect(r.traces).toBeGreaterThan(100);
    expect(r.compared).toBeGreaterThan(10_000);
    expect(r.mismatches.slice(0, 20).map(formatMismatch)).toEqual([]);
  });
});

describe('the replay can fail', () => {
  it('reports a wrong answer by trace id and op', () => {
    const r = replayIotlbVectors([{ id: 'planted-1', ops: [
      { op: 'add', start: '0x0', last: '0xfff', addr: '0x1000', perm: 3, ret: 0 },
      { op: 'translate', iova: '0x10', len: 4, access: 1, result: { ok: [['0x1011', 4]] } },
      { op: 'count', maps: 2 },
    ] }], createModelIotlbTable);
    expect(r.mismatches.map(formatMismatch)).toEqual([
      'planted-1 op 1 translate(0x10, 4, 1): kernel {"ok":[["0x1011",4]]}, got {"ok":[["0x1010",4]]}',
      'planted-1 op 2 count(): kernel 2, got 1',
    ]);
  });
});

describe('negcheck conformance', () => {
  const run = (...args: string[]) => negcheck('conformance', ...args);
  const tmp = mkdtempSync(join(tmpdir(), 'negcheck-conformance-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('names the trace and op of a planted wrong answer (exit 1), and a missing file (exit 2)', () => {
    const dir = join(tmp, 'planted');
    mkdirSync(dir);
    writeFileSync(join(dir, 'iotlb-kernel-vectors.jsonl'), `${JSON.stringify({ id: 'planted-7', ops: [
      { op: 'add', start: '0x0', last: '0x0', addr: '0x0', perm: 3, ret: 0 }, { op: 'count', maps: 5 }] })}\n`);
    const missing = run(dir);
    expect(missing.stderr).toMatch(/iotlb-msg-kernel-vectors\.jsonl: no such vector file/);
    expect(missing.status).toBe(2);
    writeFileSync(join(dir, 'iotlb-msg-kernel-vectors.jsonl'), `${JSON.stringify({ id: 'm-1', ops: [{ op: 'table', maps: null }] })}\n`);
    const r = run(dir, '--side', 'impl');
    expect(r.stdout).toMatch(/planted-7 op 1 count\(\): kernel 5, got 1/);
    expect(r.status).toBe(1);
  });
});
