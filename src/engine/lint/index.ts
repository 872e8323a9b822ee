/**
 * The lint registry: every check, in the order its findings are explained. Adding a check means
 * one module and one line here; its codes then need their sentences in render/lint-messages.ts,
 * which the type LintCode enforces.
 */
import type { LintFinding, Severity } from '../../model/lint.ts';
import { SEVERITIES } from '../../model/lint.ts';
import { runCheck, type LintCheck, type LintInput } from './check.ts';
import { ciliumFeature } from './cilium-feature.ts';
import { ciliumGateways } from './cilium-gateways.ts';
import { ciliumHostNetwork } from './cilium-host-network.ts';
import { ciliumOverlap } from './cilium-overlap.ts';
import { ipMasqAgentConfig } from './ip-masq-agent-config.ts';
import { ipMasqAgentResync } from './ip-masq-agent-resync.ts';
import { podCidrs } from './pod-cidrs.ts';
import { allowlistCoverage } from './allowlist-coverage.ts';
import { invalidAddresses } from './invalid-addresses.ts';
import { ciliumConfigCidrs } from './cilium-config-cidrs.ts';
import { eksAutoMode } from './eks-auto-mode.ts';
import { antreaEgressCheck } from './antrea-egress.ts';
import { ovnEgressIps } from './ovn-egress-ip.ts';
import { aksStaticGateway } from './aks-static-gateway.ts';
import { policyDenied } from './policy-denied.ts';
import { policyCidrs } from './policy-cidrs.ts';
import { EngineContext } from '../core/context.ts';

export type { LintInput };

const CHECKS = [
  invalidAddresses,
  ipMasqAgentConfig,
  ipMasqAgentResync,
  podCidrs,
  ciliumFeature,
  ciliumConfigCidrs,
  ciliumGateways,
  ciliumOverlap,
  ciliumHostNetwork,
  eksAutoMode,
  antreaEgressCheck,
  ovnEgressIps,
  aksStaticGateway,
  allowlistCoverage,
  policyDenied,
  policyCidrs,
] as const;

type CodeOf<C> = C extends LintCheck<infer Code> ? Code : never;
export type LintCode = CodeOf<(typeof CHECKS)[number]>;

/** Every code with its severity, for docs and tests. */
export const LINT_CODES = Object.fromEntries(CHECKS.flatMap((c) => Object.entries(c.codes))) as Record<
  LintCode,
  Severity
>;

/** Every check's findings, most severe first, then by code and object: the same input, the same order. */
export function lint(input: LintInput): LintFinding<LintCode>[] {
  // Each check reports only its own codes (defineCheck types them), so the union is exact.
  const checked = { ...input, ctx: new EngineContext(input.snapshot, { destinations: [] }) };
  const findings = (CHECKS as readonly LintCheck<string>[]).flatMap((check) =>
    runCheck(check, checked),
  ) as LintFinding<LintCode>[];
  return findings.sort(compareFindings);
}

/** Whether `severity` is at or above `threshold` (--fail-on). */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

function compareFindings(a: LintFinding, b: LintFinding): number {
  const keys = (f: LintFinding) => [
    String(SEVERITIES.indexOf(f.severity)),
    f.code,
    f.object.kind,
    f.object.namespace ?? '',
    f.object.name,
    f.object.key ?? '',
    JSON.stringify(f.data),
  ];
  const [x, y] = [keys(a), keys(b)];
  const i = x.findIndex((v, n) => v !== y[n]);
  return i < 0 ? 0 : x[i]! < y[i]! ? -1 : 1;
}
