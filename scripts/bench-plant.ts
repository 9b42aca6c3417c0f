// Planted slowdowns for the gate's proof (scripts/bench-proof.ts): a scratch commit on top of
// HEAD, in its own temporary worktree, with extra work in one hot path.
//  - translate: every PERIOD-th IotlbIndex.translate walks twice, the last-hit state restored in
//    between, so the extra walk costs what a call costs (whatever the case: hit, miss, mix);
//  - vdpa-reset: every vDPA reset (SET_STATUS 0) also runs a fixed spin of SPIN multiply-adds.
// Both sizes were chosen by measuring (bench/README.md gives the measured changes).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PlantKind = 'translate' | 'vdpa-reset';
export const PLANT_KINDS: readonly PlantKind[] = ['translate', 'vdpa-reset'];

export const TRANSLATE_PERIOD = Number(process.env['NEGCHECK_PLANT_PERIOD'] ?? 10);
export const VDPA_SPIN = Number(process.env['NEGCHECK_PLANT_SPIN'] ?? 4500);

function replaceOnce(text: string, from: string, to: string, file: string): string {
  const i = text.indexOf(from);
  if (i < 0 || text.indexOf(from, i + 1) >= 0) throw new Error(`${file}: expected exactly one "${from}" to plant into`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

export function plantTranslate(src: string, period = TRANSLATE_PERIOD): string {
  return replaceOnce(src, '  translate(addrH: number, addrL: number, len: number, access: number): number {\n', [
    '  private plantCount = 0;',
    '  translate(addrH: number, addrL: number, len: number, access: number): number {',
    `    // PLANTED SLOWDOWN (scripts/bench-plant.ts): every ${period}th call walks twice`,
    `    if (++this.plantCount >= ${period}) {`,
    '      this.plantCount = 0;',
    '      const s = this.lastSlot, p = this.lastHasPrev, h = this.lastPrevHi, l = this.lastPrevLo;',
    '      this.translateOnce(addrH, addrL, len, access);',
    '      this.lastSlot = s; this.lastHasPrev = p; this.lastPrevHi = h; this.lastPrevLo = l;',
    '    }',
    '    return this.translateOnce(addrH, addrL, len, access);',
    '  }',
    '',
    '  private translateOnce(addrH: number, addrL: number, len: number, access: number): number {',
    '',
  ].join('\n'), 'impl/iotlbIndex.ts');
}

export function plantVdpaReset(src: string, spin = VDPA_SPIN): string {
  const withSpin = replaceOnce(src, '  private reset(): void {\n', [
    '  private plantSink = 0;',
    '  private reset(): void {',
    `    // PLANTED SLOWDOWN (scripts/bench-plant.ts): ${spin} dependent multiply-adds per reset`,
    '    let x = this.plantSink | 1;',
    `    for (let i = 0; i < ${spin}; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;`,
    '    this.plantSink = x;',
    '',
  ].join('\n'), 'impl/vdpa.ts');
  return withSpin;
}

const FILES: Record<PlantKind, [file: string, plant: (s: string) => string]> = {
  translate: ['impl/iotlbIndex.ts', s => plantTranslate(s)],
  'vdpa-reset': ['impl/vdpa.ts', s => plantVdpaReset(s)],
};

function git(cwd: string, args: readonly string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

export interface PlantedTree {
  readonly dir: string;
  readonly commit: string;
  remove(): void;
}

/** A detached worktree of `base` with the plant committed on top (node_modules linked). */
export function plantedTree(repo: string, base: string, kind: PlantKind): PlantedTree {
  const dir = mkdtempSync(join(tmpdir(), `negcheck-plant-${kind}-`));
  const remove = (): void => {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo });
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: repo });
  };
  try {
    git(repo, ['worktree', 'add', '--detach', dir, base]);
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const [file, plant] = FILES[kind];
    writeFileSync(join(dir, file), plant(readFileSync(join(dir, file), 'utf8')));
    git(dir, ['-c', 'user.name=negcheck bench proof', '-c', 'user.email=bench-proof@negcheck.invalid', 'commit', '-q', '-am', `scratch: planted ${kind} slowdown`]);
    return { dir, commit: git(dir, ['rev-parse', 'HEAD']), remove };
  } catch (e) {
    remove();
    throw e;
  }
}
