// Everything a party could notice after one operation. Properties compare these, never
// internal fields. All values are plain data (bigint for u64, hex strings for bytes).

/** A config-space field the driver decoded, and when. */
export interface ConfigRead {
  readonly stage: 'validate' | 'probe';
  readonly field: string;
  readonly value: bigint;
}

/** What the guest's virtio core and driver did during one probe. */
export interface ProbeTranscript {
  /** 0, or the negative errno virtio_dev_probe returned */
  readonly result: number;
  /** device status as the driver last read it */
  readonly status: number;
  readonly offered: bigint;
  /** dev->features before and after drv->validate() (equal when there is no validate) */
  readonly beforeValidate: bigint;
  readonly afterValidate: bigint;
  /** every features write the core made, in order */
  readonly written: readonly bigint[];
  /** dev->features at the end */
  readonly negotiated: bigint;
  readonly reads: readonly ConfigRead[];
  /** whether FEATURES_OK was still set on re-read; null when never set (legacy or failed earlier) */
  readonly featuresOkReread: boolean | null;
}

export type Segment = readonly [uaddr: bigint, len: number];

export type Observation =
  /** an ioctl/write result: 0 or a byte count, or -errno */
  | { readonly kind: 'ret'; readonly ret: number }
  /** an ioctl that returns a value */
  | { readonly kind: 'value'; readonly ret: number; readonly value: bigint }
  /** read() on the vhost fd: the bytes read, hex */
  | { readonly kind: 'read'; readonly ret: number; readonly bytes: string }
  /** a device access through the translation */
  | { readonly kind: 'access'; readonly outcome: 'ok'; readonly segments: readonly Segment[] }
  | { readonly kind: 'access'; readonly outcome: 'miss' }
  | { readonly kind: 'access'; readonly outcome: 'fault'; readonly errno: number }
  /** a vring start or stop: the ioctl's result, and the iova of the MISS its used-ring access
   *  queued for userspace (perm RO), or null when it queued none */
  | { readonly kind: 'vring'; readonly ret: number; readonly miss: bigint | null }
  /** what the VMM passed to VHOST_SET_FEATURES and what it got back */
  | { readonly kind: 'vmm'; readonly ret: number; readonly set: bigint }
  /** VHOST_GET/SET_FEATURES_ARRAY: the result and the buffer's words (after count) as the VMM sees them after the call */
  | { readonly kind: 'features-array'; readonly ret: number; readonly words: readonly bigint[] }
  /** config-space bytes as the device returned them, hex in address order */
  | { readonly kind: 'config'; readonly bytes: string }
  | { readonly kind: 'probe'; readonly transcript: ProbeTranscript }
  /** IDR0..IDR5 words */
  | { readonly kind: 'idr'; readonly ret: number; readonly idr: readonly number[] };
