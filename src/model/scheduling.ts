/**
 * What decides which nodes a pod may land on (the kube-scheduler's NodeAffinity, NodeUnschedulable
 * and TaintToleration filters), as plain data.
 */

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: string;
}

/** One requirement of a nodeSelectorTerm (matchExpressions over labels, matchFields over metadata.name). */
export interface NodeRequirement {
  field: 'label' | 'metadata.name';
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values: string[];
}

export interface PodScheduling {
  nodeSelector: Record<string, string>;
  /** requiredDuringSchedulingIgnoredDuringExecution: the terms are ORed, a term's requirements ANDed; absent = any node. */
  requiredTerms?: NodeRequirement[][];
  tolerations: Toleration[];
}
