// An invented patch: "a size-0 VHOST_IOTLB_INVALIDATE invalidates nothing" (instead of the whole
// space, as ca50ec377c2e made it). negcheck should reject it, and show why in the fewest steps.
const U64_MAX = (1n << 64n) - 1n;

export const proposal = {
  id: 'size0-invalidate-nothing',
  title: 'a size-0 INVALIDATE invalidates nothing',
  seeds: ['002_7f436d30332a3d9f.txt'], commits: [], fate: 'proposed',
  history: 'invented for the README',
  policy: { kernel: { sizeZero: 'reject-update' } },
  rules: {
    invalidateRange: (iova: bigint, size: bigint) => (size === 0n ? null : [iova, (iova + size - 1n) & U64_MAX] as const),
  },
  // R: against today's kernel, where INVALIDATE iova 0 size 0 is QEMU's whole-range unmap
  baseline: { kernel: { sizeZero: 'reject-update' } },
  expect: {},
};
