/**
 * What the policy step reads for Cilium: CNP and CCNP rules, and cilium-config's policy settings
 * (pkg/option/config.go: `enable-policy` default/always/never, `policy-cidr-match-mode`,
 * `enable-non-default-deny-policies` (default true), `policy-audit-mode`). Helm writes
 * `policyEnforcementMode` as `enable-policy`.
 */
import type { CiliumPolicyInputs, CiliumPolicySettings } from '../model/cilium-policy.ts';
import { findCilium, parseCiliumConfig } from './cilium.ts';
import { toCiliumPolicyRules } from './cilium-network-policy.ts';
import { stringMap, type ObjectIndex } from './objects.ts';

const MODES = new Set(['default', 'always', 'never']);

export function ciliumPolicyInputs(index: ObjectIndex): CiliumPolicyInputs {
  const found = findCilium(index);
  const cm = found ? index.get('ConfigMap', found.namespace, 'cilium-config') : undefined;
  const rules = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'].flatMap((kind) =>
    index.all(kind).flatMap(toCiliumPolicyRules),
  );
  return {
    rules,
    settings: policySettings(stringMap(cm?.['data'])),
    config: parseCiliumConfig(cm, found?.namespace ?? 'kube-system'),
  };
}

export function policySettings(data: Record<string, string>): CiliumPolicySettings {
  const mode = (data['enable-policy'] ?? 'default').trim().toLowerCase();
  const settings: CiliumPolicySettings = {
    enforcement: MODES.has(mode) ? (mode as CiliumPolicySettings['enforcement']) : 'default',
    cidrMatchesNodes: (data['policy-cidr-match-mode'] ?? '').split(/[\s,]+/).includes('nodes'),
    defaultDenyForced: (data['enable-non-default-deny-policies'] ?? '').trim().toLowerCase() === 'false',
    auditMode: (data['policy-audit-mode'] ?? '').trim().toLowerCase() === 'true',
  };
  if (!MODES.has(mode)) settings.invalidEnforcement = data['enable-policy']!;
  return settings;
}
