/** `POD` or `KIND/NAME` as explain and verify take them. */
import { workloadKind } from '../engine/select.ts';
import { UsageError } from '../errors.ts';

export function parseTarget(text: string | undefined): { kind: string; name: string } {
  if (!text) throw new UsageError('explain needs a POD or KIND/NAME, e.g. kubectl egress explain deployment/web --to 8.8.8.8');
  const slash = text.indexOf('/');
  if (slash < 0) return { kind: 'Pod', name: text };
  const kind = workloadKind(text.slice(0, slash));
  if (!kind || !text.slice(slash + 1)) throw new UsageError(`"${text}" is not POD or KIND/NAME with a known kind (pod, deployment, statefulset, daemonset, job, cronjob, replicaset)`);
  return { kind, name: text.slice(slash + 1) };
}
