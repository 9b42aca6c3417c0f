import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * shared/conformance, found from wherever this config runs: Stryker copies the repository into
 * .stryker-tmp/sandbox-*, two levels below the checkout, where the default path (beside the
 * repository) does not exist and test/conformance.test.ts would fail to load, judging no mutant.
 */
function conformanceDir(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const c = join(d, 'shared', 'conformance');
    if (existsSync(c)) return c;
    if (dirname(d) === d) throw new Error('mutation: no shared/conformance above the repository (set NEGCHECK_CONFORMANCE)');
  }
}

// The tests that judge impl/ in this process (Stryker switches mutants in the test process; the
// CLI tests run negcheck in child processes, where no mutant is active): P0 differential tests,
// the kernel's conformance answers, and the hand-checked and big-table tests of the implementation.
export default defineConfig({
  test: {
    include: [
      'properties/p0-*.test.ts',
      'test/conformance.test.ts',
      'test/iotlb-index.test.ts',
      'test/iotlb-order.test.ts',
      'test/features-array.test.ts',
      'test/vmm-features.test.ts',
      'test/extended-features-guest.test.ts',
      'test/vdpa-backend-features.test.ts',
      'test/vdpa-dma-map-parent.test.ts',
      'test/vring.test.ts',
      'test/uaccess.test.ts',
      'test/feature-words.test.ts',
      'test/device-parts.test.ts',
      'test/virtio-device.test.ts',
    ],
    env: { NEGCHECK_CONFORMANCE: process.env['NEGCHECK_CONFORMANCE'] ?? conformanceDir() },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
