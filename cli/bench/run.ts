// `negcheck bench --against [REF]`: check the base out, measure it and the working tree side by
// side, report, and exit 1 on a regression. The worktree is removed whatever happens.

import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALPHA } from '../../bench/stats.ts';
import { writeAtomic } from '../files.ts';
import { checkoutBase, defaultRef, repoRoot, resolveRef } from './against.ts';
import { collectSamples, judge } from './gate.ts';
import { AGAINST_SCHEMA, changeChartSvg, markdownReport, textReport, type AgainstResult } from './report.ts';

export interface AgainstOptions {
  /** REF, or true for the default (merge base with main, or HEAD~1 on main) */
  readonly against: string | true;
  readonly threshold: number;
  readonly processes: number;
  readonly blocks: number;
  readonly blockTime: number;
  readonly warmup: number;
  readonly singleThreaded: boolean;
  readonly cases?: readonly string[];
  /** write the results here (or print them on stdout when true) */
  readonly json?: string | true;
  /** append the markdown table to this file ($GITHUB_STEP_SUMMARY) */
  readonly summary?: string;
  /** draw each case's change and interval as SVG */
  readonly chart?: string;
}

/** The tree whose code runs: the head side. */
const HEAD_TREE = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export async function againstAction(o: AgainstOptions, log: (l: string) => void): Promise<number> {
  const repo = repoRoot(HEAD_TREE);
  const ref = o.against === true ? defaultRef(repo) : o.against;
  const commit = resolveRef(repo, ref);
  const headCommit = resolveRef(repo, 'HEAD');
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).stdout.trim() !== '';
  const started = Date.now();
  log(`checking out the base ${ref} (${commit.slice(0, 12)}) into a temporary worktree...`);
  const base = checkoutBase(repo, commit, log);
  let result: AgainstResult;
  try {
    log(`base node_modules: ${base.install}; measuring ${o.processes} fresh processes, each both trees side by side...`);
    const samples = await collectSamples({
      base: base.dir, head: repo, processes: o.processes, blocks: o.blocks, blockTimeMs: o.blockTime, warmupMs: o.warmup, singleThreaded: o.singleThreaded, ...(o.cases ? { cases: o.cases } : {}),
    }, log);
    result = {
      schema: AGAINST_SCHEMA, base: { ref, commit }, head: { commit: headCommit, dirty }, threshold: o.threshold, alpha: ALPHA,
      processes: o.processes, blocks: o.blocks, blockTimeMs: o.blockTime, warmupMs: o.warmup, node: process.version,
      startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, cases: judge(samples, o.threshold),
    };
  } finally {
    base.remove();
  }
  if (result.cases.length === 0) throw new Error('no gated case is common to both trees (or none matched --cases)');
  if (o.json === true) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (o.json) writeAtomic(o.json, JSON.stringify(result, null, 2) + '\n');
  if (o.summary) appendFileSync(o.summary, markdownReport(result) + '\n');
  if (o.chart) writeAtomic(o.chart, changeChartSvg(result));
  for (const l of textReport(result)) log(l);
  return result.cases.some(c => c.regression) ? 1 : 0;
}
