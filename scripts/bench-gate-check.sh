#!/usr/bin/env bash
# Is the bench gate trustworthy? Rerun it on unchanged code against the committed baseline
# (none of the reruns may flag a regression), then once with a planted 20% slowdown on the
# implementation's translate (NEGCHECK_BENCH_PLANT=translate: every 4th lookup also looks up
# another address), which must be flagged. Usage: scripts/bench-gate-check.sh [reruns]  (~1 min each)
set -uo pipefail
cd "$(dirname "$0")/.."
reruns="${1:-10}"
false_alarms=0
for i in $(seq 1 "$reruns"); do
  if node bin/negcheck.js bench --compare bench/baseline.json --threshold 10% > /tmp/negcheck-gate.$$ 2>&1; then
    echo "rerun $i: passed"
  else
    false_alarms=$((false_alarms + 1))
    echo "rerun $i: FLAGGED"; grep '^regression' /tmp/negcheck-gate.$$
  fi
done
if NEGCHECK_BENCH_PLANT=translate node bin/negcheck.js bench --compare bench/baseline.json --threshold 10% > /tmp/negcheck-gate.$$ 2>&1; then
  detected=0; echo "planted 20% translate slowdown: NOT flagged"
else
  detected=1; echo "planted 20% translate slowdown: flagged"; grep '^regression' /tmp/negcheck-gate.$$
fi
rm -f /tmp/negcheck-gate.$$
echo "false alarms: $false_alarms/$reruns; planted slowdown detected: $detected/1"
[[ $false_alarms -eq 0 && $detected -eq 1 ]]
