// `negcheck lab setup`: the lab, made ready by one idempotent command. QEMU and a static busybox
// from the system's apt (installed when missing); each lab kernel's Debian packages at the versions
// lab/kernels.lock.json pins, fetched through a private apt from this machine's own mirror and
// checked by sha256; extracted with dpkg-deb -x (nothing goes into /boot); the vhost modules and
// their dependencies; the guest agent built with gcc -static; one initramfs per kernel. Everything
// lives in the cache directory, and a kernel whose lock entry, agent or init changed is built again.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianMirrors, PrivateApt, sha256Of } from './apt.ts';
import { cpioArchive, type CpioEntry } from './cpio.ts';
import { LabError } from './errors.ts';
import { loadOrder, moduleBytes, modulesDir } from './modules.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const LOCK_FILE = join(HERE, 'kernels.lock.json');
export const AGENT_DIR = join(HERE, 'agent');

export interface LockedPackage { readonly name: string; readonly version: string; readonly sha256: string }
export interface LockedKernel { readonly id: string; readonly suite: string; readonly why: string; readonly packages: readonly LockedPackage[] }

/** The lock file, checked field by field. */
export function readLock(file = LOCK_FILE): LockedKernel[] {
  let j: unknown;
  try { j = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new LabError(`${file}: not JSON: ${(e as Error).message}`); }
  const o = j as { format?: unknown; kernels?: unknown };
  if (o.format !== 'negcheck-lab-lock/1' || !Array.isArray(o.kernels)) throw new LabError(`${file}: not a negcheck-lab-lock/1 file`);
  return o.kernels.map((k: Record<string, unknown>, i: number) => {
    const where = `${file}: kernels[${i}]`;
    if (typeof k['id'] !== 'string' || typeof k['suite'] !== 'string' || !Array.isArray(k['packages'])) throw new LabError(`${where}: needs id, suite and packages`);
    for (const p of k['packages'] as Record<string, unknown>[]) {
      if (typeof p['name'] !== 'string' || typeof p['version'] !== 'string' || !/^[0-9a-f]{64}$/.test(String(p['sha256']))) {
        throw new LabError(`${where}: a package needs name, version and a sha256 of 64 hex digits`);
      }
    }
    return k as unknown as LockedKernel;
  });
}

/** The cache: NEGCHECK_LAB_CACHE, else ~/.cache/negcheck-lab. */
export function cacheDir(): string {
  return process.env['NEGCHECK_LAB_CACHE'] || join(homedir(), '.cache', 'negcheck-lab');
}

/** The agent's port to the host: a virtio-console port on virtio-pci (lab/qemu.ts). */
const AGENT_PORT_MODULES = ['virtio_pci', 'virtio_console'];

/** The modules each lab kernel's guest loads (what it has of them: 6.1 has no VDPA). */
export const WANTED_MODULES: Readonly<Record<string, readonly string[]>> = {
  '6.1': ['vhost_net', 'vhost_vsock', 'tun', ...AGENT_PORT_MODULES],
  '6.12': ['vhost_net', 'vhost_vsock', 'tun', 'vhost_vdpa', 'vduse', ...AGENT_PORT_MODULES],
  '7.2': ['vhost_net', 'vhost_vsock', 'tun', 'vhost_vdpa', 'vduse', ...AGENT_PORT_MODULES],
};

/** What a set-up kernel is made of, in the cache. */
export interface LabKernel {
  readonly id: string;
  readonly release: string;
  readonly vmlinuz: string;
  readonly initramfs: string;
  readonly modules: readonly string[];
}

const INIT = `#!/bin/busybox sh
# negcheck lab guest: mount the pseudo filesystems, load the vhost modules in dependency order, run the agent
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
while read m; do /bin/busybox insmod "/lib/modules/$m" || echo "NEGCHECK insmod-failed $m"; done < /modules.order
exec /agent
`;

const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** qemu-system-x86 and busybox-static from the system's apt, when missing: root and apt-get needed. */
export function ensureTools(log: (l: string) => void): void {
  const tools = [['qemu-system-x86_64', 'qemu-system-x86'], ['busybox', 'busybox-static'], ['gcc', 'gcc'], ['dpkg-deb', 'dpkg']] as const;
  const missing = tools.filter(([tool]) => !onPath(tool)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (!onPath('apt-get')) throw new LabError(`the lab needs ${missing.join(', ')} and there is no apt-get to install them`);
  if (process.getuid?.() !== 0) throw new LabError(`the lab needs ${missing.join(', ')}: install them (apt-get install ${missing.join(' ')}) or run the set-up as root`);
  log(`installing ${missing.join(', ')} with apt-get`);
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new LabError(`apt-get install ${missing.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ')}`);
}

/** The static busybox the system has (busybox-static), checked to be static. */
function staticBusybox(): string {
  const path = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  const file = spawnSync('sh', ['-c', `od -An -tx1 -N4 ${path}`], { encoding: 'utf8' }).stdout;
  if (!path || !/7f 45 4c 46/.test(file)) throw new LabError('no busybox binary found (install busybox-static)');
  return path;
}

const sha = (parts: readonly (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** The agent's C files (lab/agent/): the protocol's loop, and the device and its ops, which a C reproducer shares. */
export const AGENT_SOURCES: readonly string[] = ['agent.c', 'vhost.c', 'vduse.c'];
const AGENT_HEADERS: readonly string[] = ['vduse.h', 'vhost.h'];
/** What a C reproducer is made of, in order (repro/c.ts): the headers, then the code a main calls. */
export const REPRO_SOURCES: readonly string[] = [...AGENT_HEADERS, 'vduse.c', 'vhost.c', 'repro.c'];

/** Build the agent with gcc -static, into the cache (again when its source changed). */
export function buildAgent(cache: string): string {
  const files = [...AGENT_HEADERS, ...AGENT_SOURCES].sort();
  const out = join(cache, 'agent', `agent-${sha(files.flatMap(f => [f, readFileSync(join(AGENT_DIR, f))])).slice(0, 16)}`);
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync('gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', `${out}.tmp`, ...AGENT_SOURCES], { encoding: 'utf8', cwd: AGENT_DIR });
  if (r.status !== 0) throw new LabError(`gcc -static lab/agent/${AGENT_SOURCES.join(' ')} failed:\n${r.stderr}`);
  renameSync(`${out}.tmp`, out);
  return out;
}

/** A set-up kernel's stamp: what built it (lock entry, agent, init) and its initramfs's hash. */
type Stamp = LabKernel & { readonly key: string; readonly initramfsSha256: string };

/** Extract the kernel's packages (again when the lock entry changed) and build its initramfs. */
function setUpKernel(k: LockedKernel, apt: PrivateApt, cache: string, agent: string, busybox: string, log: (l: string) => void): LabKernel {
  const debs = k.packages.map(p => apt.download(p.name, p.version, p.sha256, join(cache, 'debs')));
  const key = sha([JSON.stringify(k), readFileSync(agent), INIT]).slice(0, 16);
  const dir = join(cache, 'kernels', k.id);
  const stampFile = join(dir, 'stamp.json');
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    // a corrupt or truncated initramfs is built again
    if (stamp.key === key && existsSync(stamp.vmlinuz) && existsSync(stamp.initramfs) && sha256Of(stamp.initramfs) === stamp.initramfsSha256) return stamp;
  }
  log(`[${k.id}] extracting ${k.packages.map(p => p.name).join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  for (const deb of debs) {
    const r = spawnSync('dpkg-deb', ['-x', deb, root], { encoding: 'utf8' });
    if (r.status !== 0) throw new LabError(`dpkg-deb -x ${deb} failed: ${r.stderr.trim()}`);
  }
  const { dir: mods, release } = modulesDir(root);
  // 6.1 and 6.12: /boot/vmlinuz-<release>; sid's split packages: the modules directory's vmlinuz.unsigned
  const vmlinuz = [join(root, 'boot', `vmlinuz-${release}`), join(mods, 'vmlinuz'), join(mods, 'vmlinuz.unsigned')].find(existsSync);
  if (vmlinuz === undefined) throw new LabError(`[${k.id}] no vmlinuz-${release} in ${k.packages.map(p => p.name).join(', ')}`);
  const order = loadOrder(mods, WANTED_MODULES[k.id] ?? ['vhost_net', 'vhost_vsock']);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules'].map(path => ({ kind: 'dir' as const, path })),
    { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: 'init', data: new TextEncoder().encode(INIT), mode: 0o755 },
    { kind: 'file', path: 'agent', data: readFileSync(agent), mode: 0o755 },
    // the guest's busybox insmod reads plain .ko files
    ...order.map(m => ({ kind: 'file' as const, path: `lib/modules/${m.name}.ko`, data: moduleBytes(m.path) })),
    { kind: 'file', path: 'modules.order', data: new TextEncoder().encode(order.map(m => `${m.name}.ko\n`).join('')) },
  ];
  const initramfs = join(dir, 'initramfs.cpio');
  writeFileSync(`${initramfs}.tmp`, cpioArchive(entries));
  renameSync(`${initramfs}.tmp`, initramfs);
  const kernel: Stamp = { id: k.id, release, vmlinuz, initramfs, modules: order.map(m => m.name), key, initramfsSha256: sha256Of(initramfs) };
  writeFileSync(stampFile, JSON.stringify(kernel, null, 2));
  log(`[${k.id}] ${release}: ${order.length} modules (${order.map(m => m.name).join(', ')}), initramfs ${Math.round(statSync(initramfs).size / 1024)} KiB`);
  return kernel;
}

export interface SetupOptions {
  /** only these kernels (default: every kernel of the lock file) */
  readonly kernels?: readonly string[];
  readonly log?: (l: string) => void;
}

/** Set the lab up (idempotent): the kernels ready to boot. */
export function setUpLab(o: SetupOptions = {}): LabKernel[] {
  const log = o.log ?? ((): void => {});
  const lock = readLock();
  const wanted = o.kernels ?? lock.map(k => k.id);
  const unknown = wanted.filter(id => !lock.some(k => k.id === id));
  if (unknown.length) throw new LabError(`no lab kernel ${unknown.join(', ')} (the lock file has ${lock.map(k => k.id).join(', ')})`);
  ensureTools(log);
  const mirror = debianMirrors()[0];
  if (mirror === undefined) throw new LabError('no Debian mirror in this machine\'s apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list)');
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const kernels = lock.filter(k => wanted.includes(k.id));
  const apt = new PrivateApt(join(cache, 'apt'), mirror, kernels.map(k => k.suite));
  log(`apt: ${mirror} (from this machine's apt sources), suites ${[...new Set(kernels.map(k => k.suite))].join(' ')}`);
  const agent = buildAgent(cache);
  const busybox = staticBusybox();
  return kernels.map(k => setUpKernel(k, apt, cache, agent, busybox, log));
}

/** The set-up kernels in the cache, without setting anything up (an error naming the command when one is missing). */
export function labKernels(ids?: readonly string[]): LabKernel[] {
  const lock = readLock();
  const unknown = (ids ?? []).filter(id => !lock.some(k => k.id === id));
  if (unknown.length) throw new LabError(`no lab kernel ${unknown.join(', ')}: lab/kernels.lock.json has ${lock.map(k => k.id).join(', ')}`);
  const cache = cacheDir();
  return lock.filter(k => !ids || ids.includes(k.id)).map(k => {
    const stamp = join(cache, 'kernels', k.id, 'stamp.json');
    if (!existsSync(stamp)) throw new LabError(`lab kernel ${k.id} is not set up: run \`npx negcheck lab setup\``);
    return JSON.parse(readFileSync(stamp, 'utf8')) as LabKernel;
  });
}
