#!/usr/bin/env bash
# Is the gate trustworthy? scripts/bench-proof.ts: 10 A/A runs of HEAD against HEAD (no false
# alarm), a planted translate and a planted vDPA reset slowdown gated against HEAD 10 times each
# (flagged >= 9/10), and each case's resolution. About 30 gate runs of ~2-3 min.
# Usage: scripts/bench-gate-check.sh [--runs 10] [--out bench-proof] [--only aa,translate,vdpa-reset]
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx tsx scripts/bench-proof.ts "$@"
