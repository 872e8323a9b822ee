/**
 * OVN-Kubernetes EgressFirewall (k8s.ovn.org/v1, go-controller/pkg/crd/egressfirewall/v1/types.go):
 * one per namespace, ordered Allow/Deny rules for its pods' traffic leaving the cluster, as the
 * policy step reads them.
 */
import type { ReadGap } from './gaps.ts';
import type { CidrRange, Protocol } from './policy.ts';
import type { LabelSelector } from './selector.ts';

/** `to`: exactly one of cidrSelector, dnsName and nodeSelector (the CRD's MinProperties/MaxProperties 1). */
export type EgressFirewallTarget =
  | { kind: 'cidr'; cidr: CidrRange }
  | { kind: 'dns'; name: string }
  | { kind: 'nodes'; selector: LabelSelector };

/** A port: absent `port` is every port of the protocol (egressGetL4Match writes the bare protocol for port 0). */
export interface EgressFirewallPort {
  protocol: Protocol;
  port?: number;
}

export interface EgressFirewallRule {
  type: 'Allow' | 'Deny';
  to: EgressFirewallTarget;
  /** Empty: every port and protocol. */
  ports: EgressFirewallPort[];
}

export interface EgressFirewallInfo {
  namespace: string;
  name: string;
  rules: EgressFirewallRule[];
  /** status.status as ovnkube's status manager writes it; absent when nothing wrote one. */
  status?: string;
  /** A field ovnkube refuses (it then applies none of the rules): what it does is unknown. */
  invalid?: { field: string; value: string };
}

/** The EgressFirewalls that take effect (the one named `default` in each namespace), and where they could not be read. */
export interface EgressFirewallInputs {
  firewalls: EgressFirewallInfo[];
  /** Refused reads (cluster-wide, or of one namespace) and a version the tool does not read. */
  unread: ReadGap[];
  /**
   * By node name, the addresses ovnkube gives a nodeSelector rule for that node: its
   * k8s.ovn.org/host-cidrs annotation without the prefix lengths; absent for a node without it.
   */
  nodeHostAddresses: Record<string, string[]>;
}
