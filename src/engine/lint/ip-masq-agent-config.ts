/**
 * ip-masq-agent ConfigMaps the agent does not use as written: the config under a key the agent
 * does not read (it reads the one its DaemonSet mounts, `config` in the reference manifest and in
 * Cilium's Helm chart), or a config it rejects. Facts: reference/snat-mechanisms.md §1.1, §1.5;
 * reference/cilium-egress.md §2 (cilium/cilium#35501 is the wrong-key case).
 */
import type { AgentConfigIssue } from '../../model/datapath.ts';
import { agentConfigs } from './agents.ts';
import { defineCheck } from './check.ts';

export const ipMasqAgentConfig = defineCheck({
  id: 'ip-masq-agent-config',
  codes: { IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY: 'error', IP_MASQ_AGENT_CONFIG_INVALID: 'error' },
  upstream:
    'kubernetes-sigs/ip-masq-agent ip-masq-agent.yaml and cmd/ip-masq-agent `validate`; cilium/cilium pkg/ipmasq',
  run({ snapshot }, report) {
    for (const { agent, config } of agentConfigs(snapshot)) {
      const keys = config.status === 'invalid' || config.origin === 'defaults' ? (config.otherKeys ?? []) : [];
      if (keys.length > 0) {
        // One key is almost surely the config under the wrong name: point at it.
        const object = keys.length === 1 ? { ...config.source, key: keys[0]! } : withoutKey(config.source);
        report('IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY', object, {
          agent,
          expectedKey: config.source.key ?? '',
          keys: keys.join(', '),
          effect: config.status === 'valid' ? 'defaults' : 'not-started',
        });
      }
      // Other invalid states (a required ConfigMap missing, one we may not read) are not the file's fault.
      if (config.status === 'invalid' && config.because === 'AGENT_CONFIG_INVALID') {
        report('IP_MASQ_AGENT_CONFIG_INVALID', config.source, {
          agent,
          detail: config.detail,
          ...issueData(config.issue),
        });
      }
    }
  },
});

function issueData(issue: AgentConfigIssue | undefined): Record<string, string> {
  if (!issue) return { issue: 'syntax' };
  const { kind, ...rest } = issue;
  return { issue: kind, ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)])) };
}

function withoutKey<T extends { key?: string }>(ref: T): Omit<T, 'key'> {
  const { key: _key, ...rest } = ref;
  return rest;
}
