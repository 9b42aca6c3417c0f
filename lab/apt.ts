// Debian packages for the lab without touching the system's apt state: the mirror is the one this
// machine's apt configuration names (never a host name written into the repository), the extra
// suites go into a private sources list, lists and downloads live in the lab's cache, and every
// .deb is checked against the sha256 the lock file pins.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './errors.ts';

/** The Debian mirror URIs of this machine's apt sources (deb822 .sources files, then sources.list). */
export function debianMirrors(etc = '/etc/apt'): string[] {
  const out: string[] = [];
  const dir = join(etc, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.sources') || f.endsWith('.list')).map(f => join(dir, f)) : [];
  if (existsSync(join(etc, 'sources.list'))) files.push(join(etc, 'sources.list'));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      // deb822: one stanza per paragraph, `URIs:` and `Suites:` fields
      for (const stanza of text.split(/\n\s*\n/)) {
        const uris = /^URIs:\s*(.+)$/m.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
        if (/^Enabled:\s*no/im.test(stanza) || !/\b(bookworm|trixie|sid|stable|testing|unstable)\b/.test(suites)) continue;
        out.push(...uris.filter(u => !/security/.test(u)));
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m && /^(bookworm|trixie|sid|stable|testing|unstable)/.test(m[2]!) && !/security/.test(m[1]!)) out.push(m[1]!);
      }
    }
  }
  return [...new Set(out)];
}

/** A private apt: its own sources list (the mirror, these suites), lists and archives under `dir`. */
export class PrivateApt {
  private readonly options: string[];

  constructor(dir: string, mirror: string, suites: readonly string[]) {
    const etc = join(dir, 'etc');
    mkdirSync(join(dir, 'lists', 'partial'), { recursive: true });
    mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true });
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'lab.sources'), [
      'Types: deb', `URIs: ${mirror}`, `Suites: ${[...new Set(suites)].join(' ')}`, 'Components: main',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg', '',
    ].join('\n'));
    this.options = [
      '-o', 'Dir::Etc::sourcelist=/dev/null', '-o', `Dir::Etc::sourceparts=${etc}`, '-o', `Dir::State::Lists=${join(dir, 'lists')}`,
      '-o', `Dir::Cache=${join(dir, 'cache')}`, '-o', 'Debug::NoLocking=1', '-o', 'APT::Sandbox::User=root', '-q',
    ];
  }

  private run(tool: 'apt-get' | 'apt-cache', args: readonly string[], cwd?: string): string {
    const r = spawnSync(tool, [...this.options, ...args], { encoding: 'utf8', cwd, maxBuffer: 64 << 20 });
    if (r.error) throw new LabError(`${tool} cannot run: ${r.error.message}`);
    if (r.status !== 0) throw new LabError(`${tool} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`);
    return r.stdout;
  }

  private updated = false;
  /** what the last `apt-get update` said when it failed (a mirror mid-sync fails one index file) */
  private updateError: string | null = null;

  /**
   * The private lists, fetched once and only when a package must be downloaded. A failed update
   * is retried, then left to the download: the lists of the suite it needs may well be complete
   * (a mirror in the middle of a sync fails one suite's index, "File has unexpected size").
   */
  private update(): void {
    if (this.updated) return;
    for (const wait of [0, 5, 20]) {
      if (wait) spawnSync('sleep', [String(wait)]);
      try {
        this.run('apt-get', ['update']);
        this.updateError = null;
        break;
      } catch (e) {
        this.updateError = (e as Error).message;
      }
    }
    this.updated = true;
  }

  /**
   * `name=version` into `into`, checked against `sha256`: a file already there with the right hash
   * is kept, a corrupt one fetched again; a version the mirror no longer has is an error naming it.
   */
  download(name: string, version: string, sha256: string, into: string): string {
    mkdirSync(into, { recursive: true });
    const file = join(into, `${name}_${version}.deb`);
    if (existsSync(file) && sha256Of(file) === sha256) return file;
    rmSync(file, { force: true });
    const tmp = join(into, `.download-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    try {
      this.update();
      this.run('apt-get', ['download', `${name}=${version}`], tmp);
      const got = readdirSync(tmp).find(f => f.endsWith('.deb'));
      if (got === undefined) throw new LabError(`apt-get download ${name}=${version} wrote no .deb`);
      const hash = sha256Of(join(tmp, got));
      if (hash !== sha256) throw new LabError(`${name} ${version}: sha256 ${hash}, the lock file says ${sha256}`);
      renameSync(join(tmp, got), file);
    } catch (e) {
      const after = this.updateError === null ? '' : ` (apt-get update had failed: ${this.updateError})`;
      if (e instanceof LabError && /Version '.*' for '.*' was not found|Unable to locate package/.test(e.message)) {
        throw new LabError(`${name} ${version} is not on the mirror any more: pick a version it has (apt-cache policy ${name}) and update lab/kernels.lock.json${after}`);
      }
      if (e instanceof LabError && after) throw new LabError(`${e.message}${after}`);
      throw e;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return file;
  }
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
