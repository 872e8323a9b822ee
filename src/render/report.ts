/**
 * The `-o json|yaml` contract of design §5: stable field names; additions only.
 */
import type { Decision } from '../model/decision.ts';
import type { Finding } from '../model/reasons.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { messageOf } from './messages.ts';
import type { StreamedReport } from './serialize.ts';

export const API_VERSION = 'kubectl-egress/v1alpha1';

export interface EgressReport {
  apiVersion: string;
  kind: 'EgressReport';
  datapath: Record<string, unknown>;
  items: Record<string, unknown>[];
  warnings: string[];
  /** The same warnings with their stable codes and sources, for scripts. */
  warningDetails: Record<string, unknown>[];
}

export function egressReport(snapshot: Snapshot, decisions: readonly Decision[]): EgressReport {
  const { envelope } = streamedEgressReport(snapshot, decisions);
  return { ...envelope, items: decisions.map(reportItem) } as EgressReport;
}

/** The same report with its items made as they are written (serialize.ts writeReport). */
export function streamedEgressReport(snapshot: Snapshot, decisions: readonly Decision[]): StreamedReport {
  const { datapath } = snapshot;
  const clouds = [...new Set(snapshot.nodes.flatMap((n) => n.cloud ?? []))].sort();
  const envelope = {
    apiVersion: API_VERSION,
    kind: 'EgressReport',
    datapath: {
      mechanisms: datapath.mechanisms,
      clouds,
      layers: datapath.layers,
      ...(datapath.cilium
        ? {
            cilium: {
              namespace: datapath.cilium.namespace,
              config: datapath.cilium.config,
              egressPolicies: datapath.cilium.egressPolicies,
            },
          }
        : {}),
    },
    items: [],
    warnings: snapshot.warnings.map(messageOf),
    warningDetails: snapshot.warnings.map(findingJson),
  };
  return {
    envelope,
    items: (function* () {
      for (const d of decisions) yield reportItem(d);
    })(),
  };
}

export function reportItem(d: Decision): Record<string, unknown> {
  return {
    namespace: d.namespace,
    pod: d.pod,
    workload: d.workload,
    node: d.node,
    podIP: d.podIP,
    hostNetwork: d.hostNetwork,
    destination: d.destination.text,
    ...(d.destination.name !== undefined ? { destinationName: d.destination.name } : {}),
    port: d.destination.port ?? null,
    protocol: d.destination.protocol,
    sourceIP: d.sourceIP,
    sourceIPs: d.sourceIPs,
    identity: d.identity,
    via: d.via,
    ...(d.gateway ? { gateway: d.gateway } : {}),
    policy: { verdict: d.policy.verdict, decidedBy: d.policy.decidedBy, reasons: d.policy.reasons.map(findingJson) },
    reasons: d.reasons.map(findingJson),
    warnings: d.warnings.map((w) => ({ code: w.code, message: messageOf(w) })),
  };
}

export function findingJson(f: Finding): Record<string, unknown> {
  return { code: f.code, message: messageOf(f), data: f.data, ...(f.source ? { source: f.source } : {}) };
}
