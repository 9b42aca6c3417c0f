#!/usr/bin/env bash
# The exhaustive engine's speed before and after a change, side by side in one run on one machine:
# `negcheck explore ... --json --workers 1` alternately in a worktree of REF and in this tree,
# ROUNDS times (default 3), then per target the states and the transitions/s of each run.
# A figure from one machine does not carry to another; compare only within one run of this.
# Usage: scripts/explore-side-by-side.sh REF [explore options...]
#   e.g. scripts/explore-side-by-side.sh f79384a --property I1 I6 P0@I6 --depth 5
set -euo pipefail
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
ref=$1; shift
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=${ROUNDS:-3}
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/ref" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/ref" "$ref" >/dev/null 2>&1 || { echo "explore-side-by-side: no such commit: $ref" >&2; exit 2; }
ln -s "$root/node_modules" "$work/ref/node_modules"

for ((r = 1; r <= rounds; r++)); do
  for side in ref head; do
    tree=$root; [[ $side == ref ]] && tree=$work/ref
    (cd "$tree" && node bin/negcheck.js explore "$@" --workers 1 --json 2>/dev/null || true) >"$work/$side.$r.json"
  done
done

node - "$work" "$rounds" "$ref" <<'EOF'
const fs = require('fs');
const [dir, rounds, ref] = process.argv.slice(2);
const rows = new Map();
for (const side of ['ref', 'head']) {
  for (let r = 1; r <= Number(rounds); r++) {
    const rep = JSON.parse(fs.readFileSync(`${dir}/${side}.${r}.json`, 'utf8'));
    for (const t of rep.targets) {
      const row = rows.get(t.label) ?? { ref: [], head: [], refStates: [], headStates: [], states: {} };
      row[side].push(Math.round(t.result.generated / t.result.timeMs * 1000));
      row[`${side}States`].push(Math.round(t.result.distinct / t.result.timeMs * 1000));
      row.states[side] = t.result.distinct;
      rows.set(t.label, row);
    }
  }
}
const range = xs => `${Math.min(...xs).toLocaleString('en')}–${Math.max(...xs).toLocaleString('en')}`;
console.log(`${rounds} rounds, alternating; ${ref} -> this tree`);
console.log(`${'target'.padEnd(9)} ${'states'.padEnd(22)} ${'states/s'.padEnd(34)} transitions/s`);
for (const [label, r] of rows) {
  console.log(`${label.padEnd(9)} ${`${r.states.ref} -> ${r.states.head}`.padEnd(22)} ${`${range(r.refStates)} -> ${range(r.headStates)}`.padEnd(34)} ${range(r.ref)} -> ${range(r.head)}`);
}
EOF
