// A cpio archive in the "newc" format (what the kernel unpacks an initramfs from; see
// Documentation/driver-api/early-userspace/buffer-format.rst): for each entry a 110-byte ASCII
// header, the name, the data, each padded to 4 bytes, and a TRAILER!!! entry at the end.

export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | { readonly kind: 'char'; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function header(ino: number, mode: number, size: number, nameLen: number, rdevMajor = 0, rdevMinor = 0): string {
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  return `070701${[ino, mode, 0, 0, 1, 0, size, 0, 0, rdevMajor, rdevMinor, nameLen, 0].map(hex8).join('')}`;
}

/** The archive, entries in the order given (a directory before what it holds). */
export function cpioArchive(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  let ino = 1;
  const push = (mode: number, name: string, data: Uint8Array, major = 0, minor = 0): void => {
    const nameBytes = enc.encode(`${name}\0`);
    const head = enc.encode(header(ino++, mode, data.length, nameBytes.length, major, minor));
    parts.push(head, nameBytes, new Uint8Array(pad4(head.length + nameBytes.length)), data, new Uint8Array(pad4(data.length)));
  };
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    switch (e.kind) {
      case 'dir': push(S_IFDIR | (e.mode ?? 0o755), name, new Uint8Array()); break;
      case 'file': push(S_IFREG | (e.mode ?? 0o644), name, e.data); break;
      case 'symlink': push(S_IFLNK | 0o777, name, enc.encode(e.target)); break;
      case 'char': push(S_IFCHR | (e.mode ?? 0o600), name, new Uint8Array(), e.major, e.minor); break;
    }
  }
  push(0, 'TRAILER!!!', new Uint8Array());
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total + pad4(total) + ((512 - ((total + pad4(total)) % 512)) % 512));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
