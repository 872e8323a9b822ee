/**
 * Builders for where pods may run: `poolNode('a1', 'general').taint('dedicated', 'batch')`,
 * `scheduledPod('etl').tolerate({ key: 'dedicated', value: 'batch' })`.
 */
import { NodeBuilder, PodBuilder } from './builders.ts';

type Json = Record<string, unknown>;

export class SchedulingNodeBuilder extends NodeBuilder {
  taint(key: string, value: string, effect = 'NoSchedule'): this {
    const spec = this.obj['spec'] as Json;
    spec['taints'] = [...((spec['taints'] as Json[] | undefined) ?? []), { key, value, effect }];
    return this;
  }

  cordon(): this {
    (this.obj['spec'] as Json)['unschedulable'] = true;
    return this;
  }
}

export class SchedulingPodBuilder extends PodBuilder {
  nodeSelector(selector: Record<string, string>): this {
    (this.obj['spec'] as Json)['nodeSelector'] = selector;
    return this;
  }

  tolerate(toleration: { key?: string; operator?: string; value?: string; effect?: string }): this {
    const spec = this.obj['spec'] as Json;
    spec['tolerations'] = [...((spec['tolerations'] as Json[] | undefined) ?? []), toleration];
    return this;
  }

  /** requiredDuringSchedulingIgnoredDuringExecution with these nodeSelectorTerms. */
  requireNodes(...terms: { matchExpressions?: Json[]; matchFields?: Json[] }[]): this {
    (this.obj['spec'] as Json)['affinity'] = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    };
    return this;
  }
}

export const poolNode = (name: string, pool: string) =>
  new SchedulingNodeBuilder(name).label('pool', pool).podCIDR('10.4.0.0/24');
export const scheduledPod = (name: string) => new SchedulingPodBuilder(name);
