// Regenerates the story entries of corpus/ (harness/stories.ts) with the search: the same
// seed gives the same files. Every story is searched first; nothing is written unless all were
// found, and each file is written via a temp file and rename.
// Usage: npm run corpus:stories [-- --seed 20221805] [--runs 10000] [--out corpus] [--check]
// --check writes nothing and exits 1 when a file differs from what the search finds.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeAtomic } from '../cli/files.ts';
import { serialiseEntry } from '../harness/corpus.ts';
import { STORIES } from '../harness/stories.ts';
import { findStory, storyEntry } from '../harness/story-search.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20221805' },
    runs: { type: 'string', default: '10000' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus') },
    check: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const runs = Number(values.runs);
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: corpus-stories [--seed INT] [--runs INT>=1] [--out DIR] [--check]');
  process.exit(2);
}

const found = STORIES.map(story => ({ story, cx: findStory(story, seed | 0, runs) }));
const missing = found.filter(f => f.cx === null).map(f => f.story.name);
if (missing.length > 0) {
  console.error(`no counterexample with its essentials in ${runs} runs (seed ${seed}): ${missing.join(', ')}; nothing written`);
  process.exit(1);
}

if (!values.check) mkdirSync(values.out, { recursive: true });
let differ = 0;
for (const { story, cx } of found) {
  const file = join(values.out, `${story.name}.json`);
  const text = serialiseEntry(storyEntry(story, cx!));
  const same = existsSync(file) && readFileSync(file, 'utf8') === text;
  if (!same && !values.check) writeAtomic(file, text);
  if (!same) differ++;
  const what = same ? 'unchanged' : values.check ? 'DIFFERS  ' : 'wrote    ';
  console.log(`${what} ${file} (${cx!.ops.length} ops): ${cx!.violation.message}`);
}
if (values.check && differ > 0) process.exitCode = 1;
