// `negcheck replay <file | dir>`: each counterexample step by step, model and impl side by side.

import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { CorpusError, corpusFiles, readEntry } from '../properties/corpus.ts';
import { replayEntry } from '../properties/replay.ts';
import { stackSubject } from '../properties/subject.ts';
import { formatObservation, formatOp } from '../types/trace.ts';

/** Exit status: 0 every entry replays as expected, 1 one does not, 2 bad input. */
export function replay(path: string): number {
  if (!existsSync(path)) { console.error(`negcheck replay: no such file or directory: ${path}`); return 2; }
  let status = 0;
  for (const file of corpusFiles(path)) {
    let entry;
    try {
      entry = readEntry(file);
    } catch (e) {
      if (e instanceof CorpusError) { console.error(`negcheck replay: ${e.message}`); return 2; }
      throw e;
    }
    const r = replayEntry(entry, stackSubject);
    console.log(`${file}: ${entry.property} ${entry.title}`);
    const model = stackSubject.model(entry.profile);
    const impl = stackSubject.impl(entry.profile);
    entry.ops.forEach((op, i) => {
      const m = model.apply(op);
      const o = impl.apply(op);
      const mark = !isDeepStrictEqual(m, o) ? '  <-- model and impl differ' : r.violation?.step === i ? `  <-- ${entry.property} breaks here` : '';
      console.log(`  ${String(i).padStart(2)} ${formatOp(op)}`);
      console.log(`     model: ${formatObservation(m)}${isDeepStrictEqual(m, o) ? '' : `\n     impl:  ${formatObservation(o)}`}${mark}`);
    });
    console.log(`  verdict: ${r.verdict}${r.violation ? ` (${r.violation.message})` : ''}; expected ${entry.expect}: ${r.asExpected ? 'as expected' : 'NOT as expected'}\n`);
    if (!r.asExpected) status = 1;
  }
  return status;
}
