#!/usr/bin/env bash
# Plant one bug at a time in impl/ (in a scratch copy of the tree) and check that the
# differential property tests fail. This is the evidence that P0 guards the implementation:
# every line must say "caught". Usage: scripts/planted-bugs.sh   (under a minute)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name | file | sed expression (must change the file)
mutants=(
  "translate: segment length off by one (inclusive last)|impl/iotlbIndex.ts|s/const size = d.lo + 1;/const size = d.lo;/"
  "translate: map end compared exclusively|impl/iotlbIndex.ts|s/if (d.hi !== 0 || d.lo + 1 >= remaining)/if (d.hi !== 0 || d.lo >= remaining)/"
  "u64 add: carry from low word dropped|impl/u64.ts|s/(ah + bh + (lo >= TWO32 ? 1 : 0))/(ah + bh)/"
  "u64 sub: borrow from low word dropped|impl/u64.ts|s/(ah - bh - (lo < 0 ? 1 : 0))/(ah - bh)/"
  "u64 compare: lt behaves as le|impl/u64.ts|s/ah < bh || (ah === bh \&\& al < bl)/ah < bh || (ah === bh \&\& al <= bl)/"
  "wire: iova read big-endian|impl/iotlbWire.ts|s/out.iovaLo = dv.getUint32(body, true)/out.iovaLo = dv.getUint32(body, false)/"
  "virtio config: u64 words swapped on LE|impl/virtio/device.ts|s/view.setUint32(offset, littleEndian ? lo : hi, littleEndian)/view.setUint32(offset, littleEndian ? hi : lo, littleEndian)/"
  "hw_info: forwarded word not masked|impl/hwinfo.ts|s/(((hw\[w\] ?? 0) \& keep\[w\]!) | set\[w\]!)/((hw[w] ?? 0) | set[w]!)/"
)

missed=0
for m in "${mutants[@]}"; do
  IFS='|' read -r name file expr <<<"$m"
  rm -rf "$work/tree" && mkdir "$work/tree"
  (cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$work/tree")
  ln -s "$root/node_modules" "$work/tree/node_modules"
  sed -i "$expr" "$work/tree/$file"
  if cmp -s "$work/tree/$file" "$root/$file"; then echo "NOT APPLIED  $name ($file)"; missed=1; continue; fi
  if (cd "$work/tree" && npx vitest run properties/p0-differential.test.ts properties/p0-virtio.test.ts properties/p0-hwinfo.test.ts >"$work/log" 2>&1); then
    echo "MISSED       $name"; missed=1
  else
    echo "caught       $name"; sed "s/\x1b\[[0-9;]*m//g" "$work/log" | grep -E "^ FAIL " | sort -u | sed "s/^/               /"
  fi
done
exit $missed
