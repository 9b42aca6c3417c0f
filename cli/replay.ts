// `negcheck replay <file | dir>`: each counterexample step by step (repro/replay.ts).

import { existsSync } from 'node:fs';
import { corpusFiles } from '../harness/corpus.ts';
import { replayFile } from '../repro/replay.ts';
import { InputError } from '../types/errors.ts';

/** Exit status: 0 every entry replays as its `expect` says, 1 one does not (still fails, or no longer fails), 2 bad input. */
export async function replay(path: string): Promise<number> {
  if (!existsSync(path)) { console.error(`negcheck replay: no such file or directory: ${path}`); return 2; }
  let status = 0;
  for (const file of corpusFiles(path)) {
    let r;
    try {
      r = await replayFile(file);
    } catch (e) {
      if (e instanceof InputError) { console.error(`negcheck replay: ${e.message}`); return 2; }
      throw e;
    }
    console.log(`${r.lines.join('\n')}\n`);
    if (!r.asExpected) status = 1;
  }
  return status;
}
