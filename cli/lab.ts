// `negcheck lab setup` and `negcheck lab boot`: the real-kernel lab (lab/): set it up once, then
// boot a lab kernel and see what its agent says.

import type { Command } from 'commander';
import { boot } from '../lab/qemu.ts';
import { cacheDir, labKernels, readLock, setUpLab } from '../lab/setup.ts';
import { formatDuration } from './duration.ts';
import { exitStatusAction, UsageError } from './usage.ts';

/** --kernel's value as lab kernel ids: a comma-separated list of the lock file's, or all (lab and kernel take it). */
export function kernelIds(v: string): string[] {
  const all = readLock().map(k => k.id);
  if (v === 'all') return all;
  const ids = v.split(',');
  const unknown = ids.filter(id => !all.includes(id));
  if (unknown.length) throw new UsageError(`--kernel ${unknown.join(',')}: the lab has ${all.join(', ')} (or all)`);
  return ids;
}

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('the real-kernel lab: Debian\'s 6.1, 6.12 and 7.2 kernels booted under QEMU with a guest agent');
  lab.command('setup')
    .description('install QEMU and busybox when missing, fetch the kernels pinned in lab/kernels.lock.json, build the agent and one initramfs per kernel (idempotent)')
    .option('--kernel <ids>', 'only these kernels (comma-separated, or all)', 'all')
    .addHelpText('after', `\nThe cache is ${cacheDir()} (NEGCHECK_LAB_CACHE overrides). NEGCHECK_LAB=off skips the set-up (and npm test the lab's tests). Exit status: 0 ready, 2 what cannot be done here (named).`)
    .action(exitStatusAction('lab setup', async (o: { kernel: string }) => {
      if (process.env['NEGCHECK_LAB'] === 'off') { console.log('NEGCHECK_LAB=off: the lab is left out (not set up, its tests skipped)'); return 0; }
      const ks = setUpLab({ kernels: kernelIds(o.kernel), log: l => console.log(l) });
      for (const k of ks) console.log(`${k.id.padEnd(5)} ${k.release}: ready (${k.modules.length} modules)`);
      return 0;
    }));
  lab.command('boot')
    .description('boot lab kernels and print what the agent reports (release, devices, features) and the time to its first line')
    .option('--kernel <ids>', 'these kernels (comma-separated, or all)', 'all')
    .option('--console', 'also print the kernel\'s console')
    .addHelpText('after', '\nExit status: 0 every guest booted and powered off, 1 one did not, 2 the lab is not set up.')
    .action(exitStatusAction('lab boot', async (o: { kernel: string; console?: boolean }) => {
      let status = 0;
      for (const k of labKernels(kernelIds(o.kernel))) {
        const r = await boot(k);
        console.log(`${k.id} (${k.release}, cpu ${r.cpu}): agent ready after ${r.readyMs === null ? 'never' : formatDuration(r.readyMs)}, ` +
          `${r.clean ? 'powered off' : 'DID NOT FINISH'} after ${formatDuration(r.totalMs)}`);
        for (const l of r.agent) console.log(`  ${l}`);
        if (o.console || !r.clean) for (const l of r.console) console.log(`  | ${l}`);
        if (!r.clean) status = 1;
      }
      return status;
    }));
}
