/**
 * Policy CIDRs that name addresses the rule never sees (issue 18):
 * - a NetworkPolicy ingress `ipBlock` naming pods' addresses, on a destination pod that receives
 *   those pods' traffic SNATed to their node's address (the engine's own prediction, e.g. an
 *   ip-masq-agent whose nonMasqueradeCIDRs leave the pod network out): a destination-side rule
 *   written for pod IPs that the destination never sees. NetworkPolicy matches ipBlock against the
 *   packet's source as it arrives (k8s.io/api networking/v1 types.go IPBlock).
 * - a NetworkPolicy egress `ipBlock` inside a ServiceCIDR: kube-proxy or Cilium translate a
 *   Service's virtual IP to an endpoint, and "it is not defined whether this happens before or after
 *   NetworkPolicy processing" (kubernetes.io "Network Policies", ipBlock): kube-router and Cilium
 *   judge the endpoint, so the rule lets nothing out there (core/service-addresses.ts).
 * - an EgressFirewall `cidrSelector` inside the OVN-Kubernetes cluster subnet: ovnkube adds
 *   `ip4.dst != <clusterSubnet>` to such a rule (go-controller/pkg/ovn/egressfirewall.go
 *   getV4ClusterSubnetsExclusion), so it matches nothing.
 */
import type { CidrRange, NetworkPolicyInfo } from '../../model/policy.ts';
import type { OvnKubernetesLayer } from '../../model/layers/ovn-kubernetes.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import { addressDestination } from '../../config/destinations.ts';
import { cidrBlocks, coverage, singleAddress } from '../../net/ip.ts';
import type { EngineContext } from '../core/context.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { decidePacket } from '../pipeline.ts';
import { defineCheck, type Report } from './check.ts';

const CODES = {
  NETPOL_IPBLOCK_SNATED: 'warning',
  NETPOL_IPBLOCK_SERVICE_CIDR: 'warning',
  EFW_CIDR_IN_CLUSTER_SUBNET: 'warning',
} as const;

interface Block {
  cidr: CidrRange;
  except: CidrRange[];
}

/** Enough pairs to show the datapath's rule without walking every pod of a large cluster twice. */
const SAMPLE = 20;

export const policyCidrs = defineCheck({
  id: 'policy-cidrs',
  codes: CODES,
  upstream:
    'k8s.io/api networking/v1 IPBlock; kubernetes.io Network Policies (ipBlock and Service IPs); ovn-org/ovn-kubernetes go-controller/pkg/ovn/egressfirewall.go',
  run({ snapshot, ctx }, report) {
    // The pods with addresses, by namespace, sorted out once rather than once per policy and block.
    const pods = snapshot.pods.filter((p) => !p.hostNetwork && p.podIPs.length > 0);
    const byNamespace = Map.groupBy(pods, (p) => p.namespace);
    // Policies repeat their blocks (a partner range in every namespace): each block's pods are found once.
    const inBlocks = new Map<string, PodInfo[]>();
    const sourcesOf = (block: Block) => {
      const key = [block.cidr.text, ...block.except.map((e) => e.text)].join(' ');
      let found = inBlocks.get(key);
      if (!found) inBlocks.set(key, (found = firstOf(pods, (p) => p.podIPs.some((ip) => inBlock(ip, block)))));
      return found;
    };
    for (const policy of snapshot.policy.networkPolicies) {
      if (policy.ingressBlocks?.length) {
        const targets = firstOf(byNamespace.get(policy.namespace) ?? [], (p) =>
          matchesSelector(p.labels, policy.podSelector),
        );
        for (const block of policy.ingressBlocks) checkIngressBlock(ctx, policy, block, sourcesOf, targets, report);
      }
      checkServiceBlocks(snapshot, policy, report);
    }
    checkFirewalls(snapshot, report);
  },
});

/** The first SAMPLE pods that pass, without testing the rest. */
function firstOf(pods: readonly PodInfo[], test: (pod: PodInfo) => boolean): PodInfo[] {
  const found: PodInfo[] = [];
  for (let i = 0; i < pods.length && found.length < SAMPLE; i++) if (test(pods[i]!)) found.push(pods[i]!);
  return found;
}

function checkIngressBlock(
  ctx: EngineContext,
  policy: NetworkPolicyInfo,
  block: Block,
  sourcesOf: (block: Block) => readonly PodInfo[],
  targets: readonly PodInfo[],
  report: Report<keyof typeof CODES>,
): void {
  if (targets.length === 0) return;
  const sources = sourcesOf(block);
  const pairs = sources.flatMap((source) => targets.filter((t) => t !== source).map((target) => ({ source, target })));
  if (pairs.length === 0) return;
  const seen = new Set<string>();
  for (const { source, target } of pairs) {
    const address = seenAddress(ctx, source, target);
    // One pod's address arriving, or one answer not known, and the rule may be doing its job.
    if (address === undefined || inBlock(address, block)) return;
    seen.add(address);
  }
  report(
    'NETPOL_IPBLOCK_SNATED',
    { kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name },
    {
      policy: `${policy.namespace}/${policy.name}`,
      cidr: block.cidr.text,
      seen: [...seen].sort().join(', '),
      pods: String(sources.length),
    },
  );
}

/** The source address the target pod sees from the source pod, where the engine knows it and it is one address. */
function seenAddress(ctx: EngineContext, source: PodInfo, target: PodInfo): string | undefined {
  const destination = addressDestination(target.podIPs[0]!, 'ip');
  if (!destination) return undefined;
  const decision = decidePacket(ctx, source, ctx.node(source.nodeName), destination);
  return decision.identity === 'node-ip' && decision.sourceIP !== null ? decision.sourceIP : undefined;
}

function inBlock(ip: string, block: Block): boolean {
  const address = singleAddress(ip);
  return (
    address !== undefined && coverage(address, [block.cidr]) === 'all' && coverage(address, block.except) === 'none'
  );
}

/** Egress ipBlocks wholly inside a ServiceCIDR: a wider block (0.0.0.0/0) covers real destinations too. */
function checkServiceBlocks(snapshot: Snapshot, policy: NetworkPolicyInfo, report: Report<keyof typeof CODES>): void {
  if (snapshot.services.ranges.length === 0) return;
  policy.egress.forEach((rule, i) => {
    for (const peer of rule.to) {
      if (peer.kind !== 'ipBlock') continue;
      const service = snapshot.services.ranges.find((s) => coverage(peer.cidr, [s.range]) === 'all');
      if (!service) continue;
      report(
        'NETPOL_IPBLOCK_SERVICE_CIDR',
        { kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name, key: `spec.egress[${i}]` },
        {
          policy: `${policy.namespace}/${policy.name}`,
          rule: `egress[${i}]`,
          cidr: peer.cidr.text,
          serviceCIDR: service.cidr,
        },
      );
    }
  });
}

function checkFirewalls(snapshot: Snapshot, report: Report<keyof typeof CODES>): void {
  const ovn = snapshot.datapath.layers.find((l): l is OvnKubernetesLayer => l.mechanism === 'ovn-kubernetes');
  // Without node subnets the cluster subnet is unknown: no finding rather than a guess.
  if (!ovn || ovn.clusterSubnets.length === 0) return;
  const subnets = cidrBlocks(ovn.clusterSubnets);
  for (const firewall of snapshot.policy.egressFirewalls?.firewalls ?? []) {
    firewall.rules.forEach((rule, i) => {
      if (rule.to.kind !== 'cidr' || coverage(rule.to.cidr, subnets) !== 'all') return;
      report(
        'EFW_CIDR_IN_CLUSTER_SUBNET',
        { kind: 'EgressFirewall', namespace: firewall.namespace, name: firewall.name, key: `spec.egress[${i}]` },
        {
          firewall: `${firewall.namespace}/${firewall.name}`,
          rule: `egress[${i}]`,
          type: rule.type,
          cidr: rule.to.cidr.text,
          clusterSubnets: ovn.clusterSubnets.join(', '),
        },
      );
    });
  }
}
