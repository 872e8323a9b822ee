/**
 * An upstream ip-masq-agent config whose resyncInterval is zero or negative. `Run`
 * (kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go) sleeps
 * `m.config.ResyncInterval.Duration` between syncs, and time.Sleep returns at once for d <= 0: the
 * agent re-reads its file and rewrites its iptables rules in a tight loop, a CPU core and the
 * xtables lock for nothing. The rules themselves are those of the config, so egress is unchanged;
 * Azure's v2 ignores the key (its interval is the --resync-interval flag) and Cilium has none.
 */
import { goDurationNanos } from '../../config/ip-masq-agent-file.ts';
import { agentConfigs } from './agents.ts';
import { defineCheck } from './check.ts';

export const ipMasqAgentResync = defineCheck({
  id: 'ip-masq-agent-resync',
  codes: { IP_MASQ_AGENT_RESYNC_TIGHT_LOOP: 'warning' },
  upstream: 'kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go `Run`, `MasqConfig.ResyncInterval`',
  run({ snapshot }, report) {
    for (const { agent, config } of agentConfigs(snapshot)) {
      if (
        agent !== 'ip-masq-agent' ||
        config.status !== 'valid' ||
        config.origin !== 'file' ||
        config.resyncInterval === undefined
      )
        continue;
      const nanos = goDurationNanos(config.resyncInterval);
      if (nanos !== undefined && nanos <= 0)
        report('IP_MASQ_AGENT_RESYNC_TIGHT_LOOP', config.source, { agent, resyncInterval: config.resyncInterval });
    }
  },
});
