/** Runs the real config + engine path on built objects, the way the CLI does. */
import type { Decision } from '../../src/model/decision.ts';
import type { KubeObject } from '../../src/model/objects.ts';
import { buildSnapshot, type SnapshotOptions } from '../../src/engine/snapshot.ts';
import { parseDestination } from '../../src/config/destinations.ts';
import { predict } from '../../src/engine/predict.ts';
import { selectPods } from '../../src/engine/select.ts';

export interface PredictOptions extends SnapshotOptions {
  natIP?: string;
  vpcCIDRs?: string[];
}

export function destination(text: string) {
  const parsed = parseDestination(text);
  if (parsed.kind !== 'resolved') throw new Error(`test destination ${text} is not an address`);
  return parsed.destination;
}

export function decide(objects: KubeObject[], to: string[], options: PredictOptions = {}): Decision[] {
  const snapshot = buildSnapshot(objects, options);
  const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
  const query = {
    destinations: to.map(destination),
    ...(options.natIP ? { natIP: options.natIP } : {}),
    ...(options.vpcCIDRs ? { vpcCIDRs: options.vpcCIDRs } : {}),
  };
  return predict(snapshot, pods, query);
}

/** The decision for one pod and destination; fails loudly when it is missing. */
export function decisionFor(decisions: Decision[], podName: string, to: string): Decision {
  const found = decisions.find((d) => d.pod === podName && d.destination.text === destination(to).text);
  if (!found) throw new Error(`no decision for ${podName} → ${to}`);
  return found;
}

export const codes = (d: Decision) => d.reasons.map((r) => r.code);
export const warningCodes = (d: Decision) => d.warnings.map((w) => w.code);
