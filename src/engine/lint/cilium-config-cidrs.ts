/**
 * A native-routing CIDR in cilium-config that the agent cannot parse: pkg/option/config.go
 * Populate reads it with `cidr.MustParseCIDR`, which panics, and an IPv4 option holding an IPv6
 * block is log.Fatalf. The agent does not start, so what its nodes masquerade is unknown (who
 * answers CILIUM_AGENT_REFUSES_CONFIG); the fix is one key.
 */
import { parseCidr } from '../../net/ip.ts';
import { defineCheck } from './check.ts';

export const ciliumConfigCidrs = defineCheck({
  id: 'cilium-config-cidrs',
  codes: { CILIUM_CONFIG_CIDR_INVALID: 'error' },
  upstream:
    'cilium/cilium pkg/option/config.go Populate (cidr.MustParseCIDR of ipv4-native-routing-cidr, ipv6-native-routing-cidr)',
  run({ snapshot }, report) {
    const config = snapshot.datapath.cilium?.config;
    if (!config || config.notFound) return;
    for (const [family, value] of [
      [4, config.ipv4NativeRoutingCIDR],
      [6, config.ipv6NativeRoutingCIDR],
    ] as const) {
      if (value === undefined || parseCidr(value)?.cidr.family === family) continue;
      report(
        'CILIUM_CONFIG_CIDR_INVALID',
        { ...config.source, key: `ipv${family}-native-routing-cidr` },
        { value, family: `IPv${family}` },
      );
    }
  },
});
