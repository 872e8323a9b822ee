/** Raw objects (from -f files or the live reader) → the Snapshot, with the mechanisms the registry knows. */
import type { KubeObject } from '../model/objects.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { assembleSnapshot, type SnapshotOptions } from '../config/snapshot.ts';
import { DATAPATH_REGISTRY } from './registry/mechanisms.ts';

export type { SnapshotOptions };

export function buildSnapshot(objects: readonly KubeObject[], options: SnapshotOptions = {}): Snapshot {
  return assembleSnapshot(objects, options, DATAPATH_REGISTRY);
}
