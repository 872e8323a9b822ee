/**
 * CiliumEgressGatewayPolicies while the egress gateway is off in cilium-config: the agent never
 * loads them, so the pods they select leave with their usual address (reference/cilium-egress.md
 * §3.5; `enable-egress-gateway`, formerly `enable-ipv4-egress-gateway`, defaults to false).
 */
import { defineCheck } from './check.ts';

export const ciliumFeature = defineCheck({
  id: 'cilium-egress-gateway-feature',
  codes: { CILIUM_EGW_POLICIES_WHILE_DISABLED: 'error' },
  upstream: 'cilium/cilium pkg/egressgateway/manager.go (the manager runs only with enable-egress-gateway)',
  run({ snapshot }, report) {
    const dp = snapshot.datapath.cilium;
    // Without cilium-config (not in the file, or not readable) "off" would only be the default, a guess.
    if (!dp || dp.config.enableEgressGateway || dp.config.notFound || dp.egressPolicies.length === 0) return;
    const policies = dp.egressPolicies.map((p) => p.name);
    report(
      'CILIUM_EGW_POLICIES_WHILE_DISABLED',
      { ...dp.config.source, key: 'enable-egress-gateway' },
      { policies: policies.join(', '), count: String(policies.length) },
    );
  },
});
