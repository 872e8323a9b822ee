/** `POD` or `KIND/NAME` as explain, verify and allowlist take them. */
import { UsageError } from '../errors.ts';

/** kubectl's resource names and short names for the workload kinds we group by. */
const KIND_ALIASES: Record<string, string> = {
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  job: 'Job',
  jobs: 'Job',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  cj: 'CronJob',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
};

function workloadKind(text: string): string | undefined {
  return KIND_ALIASES[text.toLowerCase().split('.')[0]!];
}

export function parseTarget(text: string | undefined): { kind: string; name: string } {
  if (!text)
    throw new UsageError('explain needs a POD or KIND/NAME, e.g. kubectl egress explain deployment/web --to 8.8.8.8');
  const slash = text.indexOf('/');
  if (slash < 0) return { kind: 'Pod', name: text };
  const kind = workloadKind(text.slice(0, slash));
  if (!kind || !text.slice(slash + 1))
    throw new UsageError(
      `"${text}" is not POD or KIND/NAME with a known kind (pod, deployment, statefulset, daemonset, job, cronjob, replicaset)`,
    );
  return { kind, name: text.slice(slash + 1) };
}
