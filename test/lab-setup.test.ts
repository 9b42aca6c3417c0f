// The lab's set-up parts on their own (issue 25, step 1): the mirror read from this machine's apt
// sources, the lock file's checks, module dependencies from .modinfo, the newc archive; and, where
// the lab is set up on this machine (`npx negcheck lab setup`), each kernel booting to its agent.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { debianMirrors } from '../lab/apt.ts';
import { cpioArchive } from '../lab/cpio.ts';
import { LabError } from '../lab/errors.ts';
import { loadOrder, moduleDepends } from '../lab/modules.ts';
import { boot } from '../lab/qemu.ts';
import { cacheDir, labKernels, readLock, setUpLab } from '../lab/setup.ts';
import { sha256Of } from '../lab/apt.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-lab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the mirror comes from this machine\'s apt configuration', () => {
  it('reads deb822 .sources stanzas and sources.list lines, leaving out security and other archives', () => {
    const etc = join(tmp, 'etc-apt');
    mkdirSync(join(etc, 'sources.list.d'), { recursive: true });
    writeFileSync(join(etc, 'sources.list.d', 'debian.sources'), [
      'Types: deb', 'URIs: http://mirror.invalid/debian', 'Suites: bookworm bookworm-updates', 'Components: main', '',
      'Types: deb', 'URIs: http://mirror.invalid/debian-security', 'Suites: bookworm-security', 'Components: main', '',
    ].join('\n'));
    writeFileSync(join(etc, 'sources.list.d', 'other.sources'), 'Types: deb\nURIs: https://vendor.invalid/apt\nSuites: nodistro\nComponents: main\n');
    writeFileSync(join(etc, 'sources.list'), 'deb http://second.invalid/debian trixie main\n# deb http://commented.invalid/debian sid main\n');
    expect(debianMirrors(etc)).toEqual(['http://mirror.invalid/debian', 'http://second.invalid/debian']);
    expect(debianMirrors(join(tmp, 'nothing-here'))).toEqual([]);
  });

  it('the lock file names packages, versions and hashes, and no host', () => {
    const lock = readLock();
    expect(lock.map(k => k.id)).toEqual(['6.1', '6.12', '7.2']);
    expect(readFileSync(join(import.meta.dirname, '..', 'lab', 'kernels.lock.json'), 'utf8')).not.toMatch(/https?:\/\//);
    const bad = join(tmp, 'bad.lock.json');
    writeFileSync(bad, JSON.stringify({ format: 'negcheck-lab-lock/1', kernels: [{ id: 'x', suite: 'sid', packages: [{ name: 'p', version: '1', sha256: 'abc' }] }] }));
    expect(() => readLock(bad)).toThrow(/sha256 of 64 hex digits/);
    writeFileSync(bad, '{');
    expect(() => readLock(bad)).toThrow(LabError);
  });
});

describe('module dependencies from .modinfo', () => {
  const modinfo = (deps: string): Uint8Array => new TextEncoder().encode(`\x7fELF...\0license=GPL\0depends=${deps}\0name=x\0`);

  it('reads the depends= string, dashes as underscores', () => {
    expect(moduleDepends(modinfo('vhost,vhost-iotlb'))).toEqual(['vhost', 'vhost_iotlb']);
    expect(moduleDepends(modinfo(''))).toEqual([]);
  });

  it('orders a module after what it needs, skips built-ins, and names what is missing or circular', () => {
    const dir = join(tmp, 'mods');
    const put = (name: string, deps: string): void => {
      mkdirSync(join(dir, 'kernel', 'drivers'), { recursive: true });
      writeFileSync(join(dir, 'kernel', 'drivers', `${name}.ko`), modinfo(deps));
    };
    put('vhost_net', 'vhost,tun');
    put('vhost', 'vhost_iotlb');
    put('vhost_iotlb', '');
    put('tun', 'builtin_thing');
    writeFileSync(join(dir, 'modules.builtin'), 'kernel/lib/builtin_thing.ko\n');
    expect(loadOrder(dir, ['vhost_net']).map(m => m.name)).toEqual(['vhost_iotlb', 'vhost', 'tun', 'vhost_net']);
    put('needs_ghost', 'ghost');
    expect(() => loadOrder(dir, ['needs_ghost'])).toThrow(/module ghost is neither shipped nor built in \(needed by needs_ghost\)/);
    put('a', 'b');
    put('b', 'a');
    expect(() => loadOrder(dir, ['a'])).toThrow(/module dependency circle: a -> b -> a/);
  });
});

describe('the initramfs archive', () => {
  it('is newc: each header, name and data 4-aligned, a trailer, the whole padded to 512', () => {
    const bytes = cpioArchive([
      { kind: 'dir', path: 'bin' },
      { kind: 'file', path: 'bin/x', data: new Uint8Array([1, 2, 3]), mode: 0o755 },
      { kind: 'symlink', path: 'bin/sh', target: 'x' },
      { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
    ]);
    expect(bytes.length % 512).toBe(0);
    const text = Buffer.from(bytes).toString('latin1');
    const entries: { name: string; mode: number; size: number; rdev: [number, number] }[] = [];
    for (let at = 0; ;) {
      expect(text.slice(at, at + 6)).toBe('070701');
      const field = (i: number): number => parseInt(text.slice(at + 6 + 8 * i, at + 14 + 8 * i), 16);
      const nameLen = field(11);
      const size = field(6);
      const name = text.slice(at + 110, at + 110 + nameLen - 1);
      entries.push({ name, mode: field(1), size, rdev: [field(9), field(10)] });
      if (name === 'TRAILER!!!') break;
      at += 110 + nameLen;
      at += (4 - (at % 4)) % 4;
      at += size;
      at += (4 - (at % 4)) % 4;
    }
    expect(entries).toEqual([
      { name: 'bin', mode: 0o040755, size: 0, rdev: [0, 0] },
      { name: 'bin/x', mode: 0o100755, size: 3, rdev: [0, 0] },
      { name: 'bin/sh', mode: 0o120777, size: 1, rdev: [0, 0] },
      { name: 'dev/console', mode: 0o020600, size: 0, rdev: [5, 1] },
      { name: 'TRAILER!!!', mode: 0, size: 0, rdev: [0, 0] },
    ]);
  });
});

/**
 * `npm test` sets the lab up first (`negcheck lab setup`), so a lab that is not ready fails these
 * tests with the set-up command named. NEGCHECK_LAB=off leaves the lab out (a machine without root
 * or network), and says so in the skipped tests.
 */
const labOff = process.env['NEGCHECK_LAB'] === 'off';

describe('a lab that is not set up', () => {
  it('is an error naming the set-up command', () => {
    const was = process.env['NEGCHECK_LAB_CACHE'];
    process.env['NEGCHECK_LAB_CACHE'] = join(tmp, 'empty-cache');
    try {
      expect(() => labKernels(['6.1'])).toThrow(new LabError('lab kernel 6.1 is not set up: run `npx negcheck lab setup`'));
    } finally {
      if (was === undefined) delete process.env['NEGCHECK_LAB_CACHE']; else process.env['NEGCHECK_LAB_CACHE'] = was;
    }
  });
});

describe.skipIf(labOff)('each lab kernel boots to its agent (the lab is set up here)', () => {
  it.each(['6.1', '6.12', '7.2'])('%s: the agent is ready, the vhost devices answer GET_FEATURES, the guest powers off', async id => {
    const [k] = labKernels([id]);
    const r = await boot(k!, 60_000);
    expect(r.clean, r.console.slice(-5).join('\n')).toBe(true);
    expect(r.agent[0]).toBe(`ready release=${k!.release} machine=x86_64`);
    expect(r.agent).toContainEqual(expect.stringMatching(/^device \/dev\/vhost-net present set_owner=0 get_features=0 features=0x[0-9a-f]+$/));
    expect(r.agent).toContainEqual(expect.stringMatching(/^device \/dev\/vhost-vsock present set_owner=0 get_features=0 features=0x[0-9a-f]+$/));
    expect(r.agent).toContain(id === '6.1' ? 'device /dev/vduse/control absent errno=2' : 'device /dev/vduse/control present');
  }, 90_000);

  it('a guest that does not finish in time is killed and reported as not clean', async () => {
    const [k] = labKernels(['6.1']);
    const r = await boot(k!, 300);
    expect(r.clean).toBe(false);
    expect(r.readyMs).toBeNull();
    expect(r.totalMs).toBeLessThan(30_000);
  });

  it('a corrupt initramfs in the cache is built again by the next set-up (from the cached packages)', () => {
    const [k] = labKernels(['6.1']);
    const good = sha256Of(k!.initramfs);
    writeFileSync(k!.initramfs, 'corrupt');
    const [again] = setUpLab({ kernels: ['6.1'] });
    expect(again!.initramfs.startsWith(cacheDir())).toBe(true);
    expect(sha256Of(again!.initramfs)).toBe(good);
  }, 60_000);
});
