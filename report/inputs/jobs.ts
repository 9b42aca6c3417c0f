// The nightly's own jobs and how each ended (negcheck-nightly-jobs/1, written by the workflow's
// report job from `needs`): a job that failed or timed out before it wrote its results turns the
// page red, rather than leaving a section that only says its input is absent.

import type { At } from './json.ts';

export const JOBS_SCHEMA = 'negcheck-nightly-jobs/1';

export interface JobsIn { readonly file: string; readonly jobs: readonly { readonly name: string; readonly result: string }[] }

export function jobsIn(a: At): JobsIn {
  return { file: a.file, jobs: a.at('jobs').entries().map(([name, r]) => ({ name, result: r.at('result').string() })) };
}
