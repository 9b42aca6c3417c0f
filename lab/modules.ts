// The kernel modules a lab guest loads, in dependency order. Debian's packages ship no modules.dep
// (depmod runs at install, which the lab never does), so a module's dependencies are read from its
// own .modinfo section: the NUL-separated `depends=a,b` string. Modules may be compressed
// (.ko.xz in sid's linux-modules, .ko.zst elsewhere): decompressed with xz or zstd to read them.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './errors.ts';

/** A module name as the kernel compares it: dashes and underscores alike. */
const norm = (name: string): string => name.replace(/-/g, '_');

export interface ModuleFile {
  readonly name: string;
  /** the file under the modules directory */
  readonly path: string;
}

/** The modules directory of an extracted kernel (lib/modules/<release> or usr/lib/modules/<release>), and the release. */
export function modulesDir(root: string): { dir: string; release: string } {
  for (const base of ['lib/modules', 'usr/lib/modules']) {
    const d = join(root, base);
    if (!existsSync(d)) continue;
    const release = readdirSync(d).find(r => existsSync(join(d, r, 'kernel')));
    if (release) return { dir: join(d, release), release };
  }
  throw new LabError(`${root}: no lib/modules/<release>/kernel in the extracted packages`);
}

/** Every module file under `dir`, by name. */
export function moduleIndex(dir: string): Map<string, ModuleFile> {
  const out = new Map<string, ModuleFile>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const m = /^(.+)\.ko(\.xz|\.zst|\.gz)?$/.exec(e);
        if (m) out.set(norm(m[1]!), { name: norm(m[1]!), path: p });
      }
    }
  };
  walk(join(dir, 'kernel'));
  return out;
}

/** The module's bytes, decompressed. */
export function moduleBytes(path: string): Uint8Array {
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : path.endsWith('.gz') ? 'gzip' : null;
  if (tool === null) return readFileSync(path);
  const r = spawnSync(tool, ['-dc', path], { maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new LabError(`${tool} -dc ${path} failed: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** The `depends=` list of a module's .modinfo. */
export function moduleDepends(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString('latin1');
  const m = /\0depends=([^\0]*)\0/.exec(text);
  return m && m[1] ? m[1].split(',').filter(Boolean).map(norm) : [];
}

/**
 * `wanted` and everything they depend on, dependencies first (the order insmod needs). A module
 * built into the kernel (modules.builtin) needs no file; one neither built in nor shipped is an
 * error. sid's split packages ship no modules.builtin: there a module that is not shipped is taken
 * to be built in (7.2's virtio_pci and virtio_console are), and the boot tells whether it was.
 */
export function loadOrder(dir: string, wanted: readonly string[]): ModuleFile[] {
  const index = moduleIndex(dir);
  const builtinFile = join(dir, 'modules.builtin');
  const builtin = new Set(existsSync(builtinFile)
    ? readFileSync(builtinFile, 'utf8').split('\n').map(l => /([^/]+)\.ko$/.exec(l.trim())?.[1]).filter((x): x is string => !!x).map(norm)
    : []);
  const order: ModuleFile[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, chain: readonly string[]): void => {
    const n = norm(name);
    if (state.get(n) === 'done' || builtin.has(n)) return;
    if (state.get(n) === 'visiting') throw new LabError(`module dependency circle: ${[...chain, n].join(' -> ')}`);
    const file = index.get(n);
    if (file === undefined && !existsSync(builtinFile)) { state.set(n, 'done'); return; }
    if (file === undefined) throw new LabError(`module ${n} is neither shipped nor built in (needed by ${chain.join(' -> ') || 'the lab'})`);
    state.set(n, 'visiting');
    for (const d of moduleDepends(moduleBytes(file.path))) visit(d, [...chain, n]);
    state.set(n, 'done');
    order.push(file);
  };
  for (const w of wanted) visit(w, []);
  return order;
}
