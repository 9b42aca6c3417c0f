// The nightly's jobs and how each ended (the workflow's `needs`): a job that failed, was cancelled
// or timed out may have written nothing, so its own section could only say "absent".

import { badge, table } from '../html.ts';
import type { JobsIn } from '../inputs/index.ts';
import { absentSection, type Context, type Section } from '../section.ts';

/** A job that ran to its end (success) or was not meant to run (skipped) is no problem. */
const FINE = new Set(['success', 'skipped']);

export function jobsSection(files: readonly JobsIn[], _ctx: Context): Section {
  const base = { id: 'jobs', title: 'Nightly jobs' };
  if (files.length === 0) return absentSection(base, 'list of the nightly\'s jobs', 'the nightly\'s report job (nightly-jobs.json)');
  const jobs = files.flatMap(f => f.jobs);
  const bad = jobs.filter(j => !FINE.has(j.result));
  return {
    ...base, present: true, charts: [],
    html: table('How each job ended', ['job', 'result'], jobs.map(j => [j.name, badge(j.result, FINE.has(j.result) ? 'ok' : 'bad')])),
    problems: bad.length ? [`jobs: ${bad.map(j => `${j.name} ${j.result}`).join(', ')}`] : [],
  };
}
