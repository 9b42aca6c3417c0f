// Linus's split (seed 000) as rules: a separate vhost-only bit turns the device IOTLB on, and
// ACCESS_PLATFORM only describes the guest. A proposal file needs no imports.
const SPLIT = 1n << 63n; // the new vhost bit, VHOST_F_IOTLB_SPLIT in negcheck's uapi

export const proposal = {
  id: 'linus-split-as-rules',
  title: "vhost-vsock: a separate vhost bit turns the IOTLB on (Linus's split, as rules)",
  seeds: ['000_701fd102af9e2e59.txt'], commits: [], fate: 'proposed',
  history: 'seed 000: "a feature bit must not mean two things"',
  policy: { kernel: { device: 'vhost-vsock', vsockAccessPlatform: true } },
  rules: {
    deviceFeatures: (_device: string, word: bigint) => word | SPLIT, // the kernel offers the new bit
    iotlbEnable: (features: bigint) => (features & SPLIT) !== 0n,    // and only it turns the IOTLB on
  },
  // R: against vhost-vsock before e13a6915a03f; no old VMM knows the new bit
  baseline: { kernel: { device: 'vhost-vsock', vsockAccessPlatform: false } },
  newBits: { features: SPLIT },
  expect: {
    I2: { verdict: 'holds', reason: 'no VMM that predates the bit can set it, so none gets the IOTLB by accident' },
    R: { verdict: 'holds', reason: 'an old VMM sees ACCESS_PLATFORM offered, may ack it, and nothing else changes' },
  },
};
