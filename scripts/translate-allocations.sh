#!/usr/bin/env bash
# Counts garbage collections during 20 million IOTLB translates (after warm-up): 0 means the
# translate path allocates nothing. Usage: scripts/translate-allocations.sh
set -uo pipefail
cd "$(dirname "$0")/.."
count() { sed -n '/--- measuring ---/,/--- done ---/p' | grep -c -E 'Scavenge|Mark-Compact|Mark-sweep'; }
gcs="$(node --import tsx --trace-gc bench/alloc.ts | count)"
control="$(NEGCHECK_ALLOC_CONTROL=1 node --import tsx --trace-gc bench/alloc.ts | count)"
echo "garbage collections during 20M translates: $gcs"
echo "control, the same loop keeping one small array per call: $control"
[[ "$gcs" -eq 0 && "$control" -gt 0 ]]
