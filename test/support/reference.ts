/**
 * The engine without any sharing between packets: every pod and destination decided in a context of
 * its own, so no cached verdict, interned input or derived index of one packet can reach another.
 * predict must give exactly these decisions (test/unit/engine/reference.test.ts).
 */
import type { Decision, Query } from '../../src/model/decision.ts';
import type { KubeObject } from '../../src/model/objects.ts';
import type { PodInfo, Snapshot } from '../../src/model/snapshot.ts';
import { EngineContext } from '../../src/engine/core/context.ts';
import { decidePacket } from '../../src/engine/pipeline.ts';
import { compareDestinations } from '../../src/engine/predict.ts';
import { comparePods } from '../../src/engine/select.ts';

export function decideEachOnItsOwn(snapshot: Snapshot, pods: readonly PodInfo[], query: Query): Decision[] {
  const destinations = [...query.destinations].sort(compareDestinations);
  return [...pods].sort(comparePods).flatMap((pod) =>
    destinations.map((destination) => {
      const ctx = new EngineContext(snapshot, query);
      return decidePacket(ctx, pod, ctx.node(pod.nodeName), destination);
    }),
  );
}

type Edit = (pod: KubeObject, at: number) => void;

/**
 * Pods that share a node with the original and differ from it in one fact a mechanism may read:
 * the address, the labels, the annotations, the service account, hostNetwork, the IP family.
 */
const VARIANTS: Record<string, Edit> = {
  ip: (p, at) => setIPs(p, [`10.250.${at % 250}.7`]),
  labels: (p) => {
    p.metadata.labels = { ...p.metadata.labels, app: 'variant', egress: 'yes' };
  },
  annotations: (p) => {
    p.metadata.annotations = {
      ...p.metadata.annotations,
      'vpc.amazonaws.com/pod-eni': '[{"eniId":"eni-1"}]',
      'egress.projectcalico.org/selector': "egress-code == 'red'",
    };
  },
  'service-account': (p) => {
    p.spec = { ...(p.spec as object), serviceAccountName: 'robot' };
  },
  'host-network': (p) => {
    p.spec = { ...(p.spec as object), hostNetwork: !(p.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork };
  },
  ipv6: (p) => setIPs(p, ['fd00::17']),
  'dual-stack': (p, at) => setIPs(p, [`10.251.${at % 250}.9`, 'fd00::19']),
};

export function withVariants(objects: readonly KubeObject[]): KubeObject[] {
  const variants = objects.flatMap((o, at) =>
    o.kind !== 'Pod'
      ? []
      : Object.entries(VARIANTS).map(([name, edit]) => {
          const copy = structuredClone(o);
          copy.metadata.name = `${o.metadata.name}-${name}`;
          edit(copy, at);
          return copy;
        }),
  );
  return [...objects, ...variants];
}

function setIPs(pod: KubeObject, ips: string[]): void {
  const status = (pod as { status?: { podIP?: string; podIPs?: { ip: string }[] } }).status;
  if (!status?.podIP) return;
  status.podIP = ips[0];
  status.podIPs = ips.map((ip) => ({ ip }));
}
