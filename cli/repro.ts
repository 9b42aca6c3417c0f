// `negcheck repro FILE --c [-o OUT.c] [--kernel ID]` and `--all`: a standalone C program per corpus
// entry that makes the trace's syscalls on a real kernel and says whether it shows the violation
// (repro/plan.ts, repro/c.ts).

import type { Command } from 'commander';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusFiles } from '../harness/corpus.ts';
import { reproducerC } from '../repro/c.ts';
import { type Expectation, ReproError, readReproEntry, reproPlan } from '../repro/plan.ts';
import { entryWithRules } from '../proposals/entryRules.ts';
import { writeAtomic } from './files.ts';
import { kernelIds } from './lab.ts';
import { exitStatusAction, UsageError } from './usage.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The C program of one entry, or why there is none (a ReproError). */
export async function reproducerOf(file: string, x: Expectation): Promise<string> {
  const e = await entryWithRules(readReproEntry(file), file);
  return reproducerC(reproPlan(file, e, x), `negcheck repro ${file} --c${x.kind === 'lab' ? ` --kernel ${x.kernel}` : ''}`);
}

interface ReproOptions { c?: boolean; output?: string; kernel?: string; all?: boolean }

export function registerRepro(program: Command): void {
  program.command('repro')
    .description('write a standalone C reproducer of a corpus entry: the trace\'s syscalls on a real kernel, each answer beside the model\'s')
    .argument('[file]', 'a corpus entry (.json); with --all, a directory of them (default corpus/)')
    .option('--c', 'write the C program (the one form there is)')
    .option('-o, --output <path>', 'the .c file to write (default: stdout); with --all, the directory (default out/repro)')
    .option('--kernel <id>', 'expect the answers the model gives with this lab kernel\'s profile (lab/profiles.ts) instead of the entry\'s own')
    .option('--all', 'every entry of the directory: one FILE.c each (FILE.KERNEL.c with --kernel); entries no program can show are listed with why')
    .addHelpText('after', `
The program needs only libc and the kernel's uapi headers: gcc -O2 -o repro repro.c, then run it as root on a
kernel with the entry's device. It exits 1 when the kernel shows the violation (it answers every syscall as the
model does), 0 when it does not, 2 when it cannot set the device up.
An entry has no program when the model (with the expected profile) says its property holds on the trace, or when
the violation is at an op no syscall stands for (the guest's or the vSMMU's). A K entry's program (a difference
negcheck kernel --generate saved) expects its lab kernel's model and exits 1 when the kernel still differs.
Exit status: 0 written, 2 bad input (the entry, the option, or an entry with no program).`)
    .action(exitStatusAction('repro', async (file: string | undefined, o: ReproOptions) => {
      if (!o.c) throw new UsageError('say --c: a C program is the reproducer this command writes');
      let x: Expectation = { kind: 'entry' };
      if (o.kernel !== undefined) {
        const ids = kernelIds(o.kernel);
        if (ids.length !== 1) throw new UsageError(`--kernel ${o.kernel}: one lab kernel, not ${ids.length}`);
        x = { kind: 'lab', kernel: ids[0]! };
      }
      if (o.all) {
        const dir = file ?? relative(process.cwd(), join(ROOT, 'corpus'));
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--all wants a directory of corpus entries: ${dir} is not one`);
        const out = o.output ?? 'out/repro';
        const programs: { file: string; text: string }[] = [];
        const none: string[] = [];
        for (const f of corpusFiles(dir)) {
          try {
            programs.push({ file: f, text: await reproducerOf(relative(process.cwd(), f), x) });
          } catch (e) {
            if (!(e instanceof ReproError)) throw e;
            none.push(e.message);
          }
        }
        // every entry read before anything is written: a bad one leaves nothing half-done
        mkdirSync(out, { recursive: true });
        for (const p of programs) {
          const target = join(out, `${basename(p.file, '.json')}${x.kind === 'lab' ? `.${x.kernel}` : ''}.c`);
          writeAtomic(target, p.text);
          console.log(`wrote ${target}`);
        }
        for (const n of none) console.log(`no program: ${n}`);
        console.log(`${programs.length} program${programs.length === 1 ? '' : 's'} written to ${out}, ${none.length} entr${none.length === 1 ? 'y' : 'ies'} with none`);
        return 0;
      }
      if (file === undefined) throw new UsageError('which corpus entry? give a .json file, or --all');
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
      if (statSync(file).isDirectory()) throw new UsageError(`${file} is a directory: give one entry, or --all ${file}`);
      const text = await reproducerOf(file, x);
      if (o.output !== undefined && !existsSync(dirname(o.output) || '.')) throw new UsageError(`-o ${o.output}: no directory ${dirname(o.output)}`);
      if (o.output === undefined) process.stdout.write(text);
      else { writeAtomic(o.output, text); console.error(`wrote ${o.output}`); }
      return 0;
    }));
}
