// The mutation listing: score = (killed + timeout) / (those + survived + no coverage), per file and
// merged over reports of disjoint groups; only the wanted statuses listed, with their source text.

import { describe, expect, it } from 'vitest';
import { differenceIndex, mergeReports, reportFiles, survivorListing, type Mutant, type ReportFiles } from '../report/stryker.ts';

const at = (line: number, c0: number, c1: number): Mutant['location'] => ({ start: { line, column: c0 }, end: { line, column: c1 } });
const m = (status: string, line: number, c0: number, c1: number, replacement = 'X'): Mutant =>
  ({ mutatorName: 'EqualityOperator', status, replacement, location: at(line, c0, c1) });

const a: ReportFiles = {
  'impl/a.ts': { source: 'if (x < y) f();\nreturn x;\n', mutants: [m('Killed', 1, 5, 10), m('Survived', 1, 5, 10, 'x <= y'), m('Timeout', 2, 1, 10), m('CompileError', 2, 8, 9)] },
};
const b: ReportFiles = {
  'impl/b.ts': { source: 'g();\n', mutants: [m('NoCoverage', 1, 1, 4, '{}'), m('Killed', 1, 1, 4), m('Ignored', 1, 1, 4)] },
};

describe('mutation listing', () => {
  it('scores each file and the merge: compile errors and ignored mutants are not valid', () => {
    expect(survivorListing(mergeReports([a, b]), new Set(['Survived', 'NoCoverage']), false)).toEqual([
      'impl/a.ts: 66.7% (2/3)',
      '  1 Survived EqualityOperator: x < y -> x <= y',
      'impl/b.ts: 50.0% (1/2)',
      '  1 NoCoverage EqualityOperator: g() -> {}',
      'all: 60.00% (3/5 detected)',
    ]);
  });

  // the report's columns count from 1, Stryker's ranges from 0: 1:5 in the report is 1:4 in a range
  it('prints the wanted mutants as mutate ranges, in Stryker\'s 0-based columns', () => {
    expect(survivorListing(mergeReports([a, b]), new Set(['Survived', 'Timeout']), true)).toEqual(['impl/a.ts:1:4-1:10', 'impl/a.ts:2:0-2:10']);
  });

  it('a file in two reports counts from the last one: a re-run mutant by mutant, a changed source wholly', () => {
    // the survivor re-tested after a law was added, and now killed
    const rerun: ReportFiles = { 'impl/a.ts': { source: a['impl/a.ts']!.source, mutants: [m('Killed', 1, 5, 10, 'x <= y')] } };
    expect(survivorListing(mergeReports([a, rerun]), new Set(), false)).toEqual(['impl/a.ts: 100.0% (3/3)', 'all: 100.00% (3/3 detected)']);
    const changed: ReportFiles = { 'impl/a.ts': { source: 'return y;\n', mutants: [m('Survived', 1, 1, 7)] } };
    expect(survivorListing(mergeReports([a, changed]), new Set(), false)).toEqual(['impl/a.ts: 0.0% (0/1)', 'all: 0.00% (0/1 detected)']);
  });

  it('--reasons: each listed mutant\'s status reason, and the kinds the difference judge names', () => {
    const why = (status: string, reason?: string): Mutant => ({ ...m(status, 1, 5, 10), ...(reason ? { statusReason: reason } : {}) });
    const r: ReportFiles = {
      'model/x.ts': { source: 'if (x < y) f();\n', mutants: [
        why('Killed', 'AssertionError: relaxation: write(UPDATE) : HEAD -EFAULT, mutant 72: expected \'relaxation: …\' to be null\n  at x'),
        why('Killed', 'AssertionError: offer: GET_FEATURES: HEAD 0x1, mutant 0x3'),
        why('Survived'),
      ] },
    };
    expect(survivorListing(r, new Set(['Killed', 'Survived']), false, true)).toEqual([
      'model/x.ts: 66.7% (2/3)',
      '  1 Killed EqualityOperator: x < y -> X',
      '      relaxation: write(UPDATE) : HEAD -EFAULT, mutant 72',
      '  1 Killed EqualityOperator: x < y -> X',
      '      offer: GET_FEATURES: HEAD 0x1, mutant 0x3',
      '  1 Survived EqualityOperator: x < y -> X',
      'all: 66.67% (2/3 detected)',
      'kinds: relaxation 1, offer 1, no difference 1',
    ]);
  });

  it('--difference: each survivor joined to the difference judge\'s run mutant by mutant, not by range or count', () => {
    const patch: ReportFiles = {
      'model/x.ts': { source: 'if (x < y) f();\nreturn x;\n', mutants: [m('Survived', 1, 5, 10, 'x <= y'), m('Survived', 1, 5, 10, 'true'), m('Killed', 2, 1, 10), m('Survived', 2, 8, 9)] },
    };
    // the judge's run over those ranges also holds the killed mutant at line 2, and saw nothing of 2:8
    const judged: ReportFiles = {
      'model/x.ts': { source: patch['model/x.ts']!.source, mutants: [
        { ...m('Killed', 1, 5, 10, 'x <= y'), statusReason: 'AssertionError: tightening: write(UPDATE): HEAD 72, mutant -EFAULT' },
        m('Survived', 1, 5, 10, 'true'),
        { ...m('Killed', 2, 1, 10), statusReason: 'AssertionError: relaxation: …' },
      ] },
    };
    expect(survivorListing(patch, new Set(['Survived']), false, false, differenceIndex(judged))).toEqual([
      'model/x.ts: 25.0% (1/4), 33.3% (1/3) without \'no difference\'',
      '  1 Survived EqualityOperator: x < y -> x <= y',
      '      difference: tightening: write(UPDATE): HEAD 72, mutant -EFAULT',
      '  1 Survived EqualityOperator: x < y -> true',
      '      difference: none over P0\'s profiles and scripts',
      '  2 Survived EqualityOperator: x -> X',
      '      difference: not judged',
      'all: 25.00% (1/4 detected), 33.33% (1/3) without the 1 with no difference',
      'kinds: tightening 1, no difference 1, not judged 1',
    ]);
  });

  it('refuses a JSON value with no files object', () => {
    expect(() => reportFiles({})).toThrow(/no "files" object/);
    expect(() => reportFiles(null)).toThrow(/no "files" object/);
    expect(reportFiles({ files: b })).toBe(b);
  });
});
