import { defineConfig } from 'vitest/config';

// The tests that judge impl/ in this process (Stryker switches mutants in the test process; the
// CLI tests run negcheck in child processes, where no mutant is active): P0 differential tests,
// the kernel's conformance answers, and the hand-checked and big-table tests of the implementation.
export default defineConfig({
  test: {
    include: [
      'properties/p0-*.test.ts',
      'test/conformance.test.ts',
      'test/iotlb-index.test.ts',
      'test/features-array.test.ts',
      'test/vmm-features.test.ts',
      'test/extended-features-guest.test.ts',
      'test/vdpa-backend-features.test.ts',
      'test/vring.test.ts',
      'test/uaccess.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
