// The counterexample file format (corpus/*.json): property, profile, op list, seed, what the
// search saw, and whether the property is expected to hold on it now. Readers validate every
// field and name the one that is wrong.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromJsonValue, stringifyJson } from '../types/json.ts';
import type { Op, OpKind } from '../types/ops.ts';
import { OP_PARTY } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Counterexample } from './run.ts';

export const CORPUS_FORMAT = 'negcheck-counterexample/1';

export interface CorpusEntry {
  readonly format: typeof CORPUS_FORMAT;
  readonly property: string;
  /** one line: what this counterexample shows */
  readonly title: string;
  readonly seed: number;
  /** 'violated': a known-bad policy kept as evidence; 'holds': a fixed bug kept as a regression */
  readonly expect: 'violated' | 'holds';
  readonly profile: Profile;
  /** the proposal (catalogue id or file) the entry was found on, if any */
  readonly proposal?: string;
  /** R only: `profile` is the baseline's, this the proposal's; the ops are the old-userspace script */
  readonly proposalProfile?: Profile;
  /**
   * The proposal (catalogue id or absolute file) whose own rules were in force on the proposal's
   * side (`profile`, or R's `proposalProfile`): functions are not stored, replay loads them.
   */
  readonly rulesFrom?: string;
  /**
   * A patch proposal's unified diff to model/: `profile` (R: `proposalProfile`) runs on the model
   * with it applied, judged against the model at HEAD (types/property.ts Subject.baseline); replay
   * applies it again.
   */
  readonly patch?: string;
  /**
   * K only: the lab kernel (lab/kernels.lock.json id) whose answers the model's must be. K is judged
   * by running the trace there (`negcheck kernel FILE`); without the lab only model = impl is.
   */
  readonly kernel?: string;
  readonly ops: readonly Op[];
  readonly violation?: { readonly step: number; readonly message: string };
}

export class CorpusError extends Error {}

/** The properties of properties/index.ts, R, and K: the model answers the syscalls as a lab kernel does (lab/shrink.ts). */
const KNOWN_PROPERTIES: readonly string[] = ['P0', 'I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'R', 'K'];

type FieldType = 'u64' | 'int' | 'string' | 'boolean' | 'spec' | 'strings' | 'ints' | 'hex' | 'u64s' | 'features';

/** The fields each op kind carries. */
const OP_FIELDS: Readonly<Record<OpKind, Readonly<Record<string, FieldType>>>> = {
  GET_FEATURES: {}, SET_FEATURES: { features: 'u64' }, GET_BACKEND_FEATURES: {}, SET_BACKEND_FEATURES: { features: 'u64' },
  GET_FEATURES_ARRAY: { count: 'u64', fill: 'u64' }, SET_FEATURES_ARRAY: { count: 'u64', words: 'u64s' },
  IOTLB_WRITE: { msg: 'spec' }, IOTLB_WRITE_RAW: { bytes: 'hex' }, IOTLB_READ: { len: 'int' }, VDPA_SET_STATUS: { status: 'int' }, VDPA_GET_STATUS: {},
  VQ_ACCESS: { iova: 'u64', len: 'int', access: 'int' }, VSOCK_SET_RUNNING: { start: 'int' },
  NET_SET_BACKEND: { index: 'int', fd: 'int' }, VMM_SET_FEATURES: { guestFeatures: 'features' },
  DEVICE_RESET: {}, STATUS_WRITE: { status: 'int' }, STATUS_READ: {}, FEATURES_WRITE: { features: 'features' },
  FEATURES_READ: {}, CONFIG_READ: { offset: 'int', width: 'int' }, DEVICE_NEEDS_RESET: {}, DRIVER_PROBE: {},
  GET_HW_INFO: {}, VMM_VSMMU_IDR: {},
};

const SPEC_FIELDS: Readonly<Record<string, FieldType>> = {
  header: 'int', layout: 'string', asid: 'int', iova: 'u64', size: 'u64', uaddr: 'u64', perm: 'int', type: 'int',
};

const PROFILE_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldType>>>> = {
  kernel: {
    device: 'string', parent: 'string', iotlbEnable: 'string', vsockAccessPlatform: 'boolean', sizeZero: 'string',
    vdpaReset: 'string', maxIotlbEntries: 'int', abi: 'string', accessOk: 'string', hwInfo: 'string', kernelIdrFields: 'strings',
    featuresArray: 'string', netFeatures: 'string', iotlbTransitions: 'string',
  },
  vmm: { features: 'string', featuresIoctls: 'string', knownFeatures: 'features', speaksIotlb: 'boolean', userAbi: 'string', iotlbMsgV2: 'boolean', idr: 'string', knownIdrFields: 'strings' },
  guest: {
    endian: 'string', deviceType: 'string', transport: 'string', transitionalConfig: 'string', probeFlow: 'string', blkValidate: 'string',
    offered: 'features', driverFeatures: 'features', deviceRequires: 'features', restrictedMemory: 'boolean', checksFeaturesOk: 'boolean',
    driverFeatureWords: 'int', deviceFeatureWords: 'int',
  },
  smmu: { idr: 'ints' },
};

function isType(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'u64': return typeof v === 'bigint' && v >= 0n && v < 1n << 64n;
    // feature sets: VIRTIO_FEATURES_MAX is 128 bits since e7d4c1c5a546
    case 'features': return typeof v === 'bigint' && v >= 0n && v < 1n << 128n;
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'spec': return typeof v === 'object' && v !== null;
    case 'strings': return Array.isArray(v) && v.every(x => typeof x === 'string');
    case 'ints': return Array.isArray(v) && v.every(x => typeof x === 'number' && Number.isInteger(x));
    case 'hex': return typeof v === 'string' && /^(?:[0-9a-f]{2})*$/.test(v);
    case 'u64s': return Array.isArray(v) && v.every(x => isType(x, 'u64'));
  }
}

function checkFields(obj: unknown, fields: Readonly<Record<string, FieldType>>, path: string): void {
  if (typeof obj !== 'object' || obj === null) throw new CorpusError(`${path}: expected an object`);
  const o = obj as Record<string, unknown>;
  for (const [k, t] of Object.entries(fields)) {
    if (!isType(o[k], t)) {
      throw new CorpusError(`${path}.${k}: expected ${t === 'u64' ? 'a u64 ({"u64": "0x..."})' : t === 'hex' ? 'lower-case hex bytes' : t}, got ${JSON.stringify(o[k] === undefined ? null : String(o[k]))}`);
    }
  }
}

export function validateOp(x: unknown, path: string): Op {
  if (typeof x !== 'object' || x === null) throw new CorpusError(`${path}: expected an op object`);
  const kind = (x as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(kind in OP_PARTY)) throw new CorpusError(`${path}.kind: unknown op kind ${JSON.stringify(kind)}`);
  checkFields(x, OP_FIELDS[kind as OpKind], path);
  if (kind === 'IOTLB_WRITE') {
    const msg = (x as { msg: unknown }).msg;
    checkFields(msg, SPEC_FIELDS, `${path}.msg`);
    const layout = (msg as { layout: string }).layout;
    if (layout !== 'lp64' && layout !== 'i386') throw new CorpusError(`${path}.msg.layout: expected "lp64" or "i386", got ${JSON.stringify(layout)}`);
  }
  return x as Op;
}

/** Profile fields added after entries were first written, and what an entry without them describes. */
const FIELDS_ADDED_LATER: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  // kernels without the array ioctls (before 333c515d1896); vhost-net offering RING_RESET, as the
  // model had it before the lab's kernels answered (netFeatures); the rings kept across IOTLB
  // transitions (iotlbTransitions), as the model had it then
  kernel: { featuresArray: 'absent', netFeatures: 'ring-reset', iotlbTransitions: 'keep-rings' },
  // VMMs that knew only the 64-bit feature ioctls
  vmm: { featuresIoctls: '64-bit' },
  // guests and devices with two feature select words (before 69b946151224)
  guest: { driverFeatureWords: 2, deviceFeatureWords: 2 },
};

function checkProfile(x: unknown, path: string): void {
  for (const [part, added] of Object.entries(FIELDS_ADDED_LATER)) {
    const o = (x as Record<string, unknown> | null)?.[part];
    if (typeof o !== 'object' || o === null) continue;
    const fields = o as Record<string, unknown>;
    for (const [k, v] of Object.entries(added)) if (fields[k] === undefined) fields[k] = v;
  }
  for (const [part, fields] of Object.entries(PROFILE_FIELDS)) checkFields((x as Record<string, unknown> | undefined)?.[part], fields, `${path}.${part}`);
  const cfg = ((x as { guest: { config?: unknown } }).guest).config;
  checkFields(cfg, { capacity: 'u64', blkSize: 'int', guestCid: 'u64' }, `${path}.guest.config`);
}

/** Validate a parsed (u64-revived) JSON value as a corpus entry. */
export function validateEntry(x: unknown, where: string): CorpusEntry {
  if (typeof x !== 'object' || x === null) throw new CorpusError(`${where}: expected a JSON object`);
  const o = x as Record<string, unknown>;
  if (o['format'] !== CORPUS_FORMAT) throw new CorpusError(`${where}: format: expected "${CORPUS_FORMAT}", got ${JSON.stringify(o['format'] ?? null)}`);
  checkFields(o, { property: 'string', title: 'string', seed: 'int' }, where);
  if (!KNOWN_PROPERTIES.includes(o['property'] as string)) throw new CorpusError(`${where}.property: unknown property ${JSON.stringify(o['property'])} (${KNOWN_PROPERTIES.join(', ')})`);
  if (o['expect'] !== 'violated' && o['expect'] !== 'holds') throw new CorpusError(`${where}.expect: expected "violated" or "holds"`);
  checkProfile(o['profile'], `${where}.profile`);
  if (o['proposal'] !== undefined && typeof o['proposal'] !== 'string') throw new CorpusError(`${where}.proposal: expected a string`);
  if (o['proposalProfile'] !== undefined) checkProfile(o['proposalProfile'], `${where}.proposalProfile`);
  if (o['rulesFrom'] !== undefined && typeof o['rulesFrom'] !== 'string') throw new CorpusError(`${where}.rulesFrom: expected a proposal id or file`);
  if (o['patch'] !== undefined && (typeof o['patch'] !== 'string' || !o['patch'].includes('\n+++ '))) throw new CorpusError(`${where}.patch: expected a unified diff to model/`);
  if (o['patch'] !== undefined && (o['rulesFrom'] !== undefined || o['property'] === 'K')) throw new CorpusError(`${where}.patch: ${o['property'] === 'K' ? 'a K entry' : 'an entry with rulesFrom'} carries no patch`);
  if (o['property'] === 'R' && o['proposalProfile'] === undefined) throw new CorpusError(`${where}.proposalProfile: an R entry needs the proposal's profile`);
  if ((o['property'] === 'K') !== (o['kernel'] !== undefined)) throw new CorpusError(`${where}.kernel: ${o['property'] === 'K' ? 'a K entry names the lab kernel it was found on' : 'only a K entry names a lab kernel'}`);
  if (o['kernel'] !== undefined && (typeof o['kernel'] !== 'string' || !/^\d+\.\d+$/.test(o['kernel']))) throw new CorpusError(`${where}.kernel: expected a lab kernel id such as "7.2", got ${JSON.stringify(o['kernel'])}`);
  if (!Array.isArray(o['ops'])) throw new CorpusError(`${where}.ops: expected an array of ops`);
  o['ops'].forEach((op, i) => validateOp(op, `${where}.ops[${i}]`));
  return o as unknown as CorpusEntry;
}

export function parseEntry(text: string, where: string): CorpusEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CorpusError(`${where}: not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  let revived: unknown;
  try {
    revived = fromJsonValue(raw);
  } catch (e) {
    throw new CorpusError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return validateEntry(revived, where);
}

export function readEntry(file: string): CorpusEntry {
  return parseEntry(readFileSync(file, 'utf8'), file);
}

/** Every *.json under a file or directory, sorted. */
export function corpusFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter(f => f.endsWith('.json')).sort().map(f => join(path, f));
}

export function entryFromCounterexample(cx: Counterexample, title: string, expect: CorpusEntry['expect']): CorpusEntry {
  return { format: CORPUS_FORMAT, property: cx.property, title, seed: cx.seed, expect, profile: cx.profile, ops: cx.ops, violation: cx.violation };
}

export function serialiseEntry(e: CorpusEntry): string {
  return stringifyJson(e);
}
