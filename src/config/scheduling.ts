/** A pod spec's nodeSelector, required node affinity and tolerations → PodScheduling. */
import type { NodeRequirement, PodScheduling, Toleration } from '../model/scheduling.ts';
import { getArray, getRecord, getString, stringMap, type Json } from './objects.ts';

export function toScheduling(spec: Json): PodScheduling {
  const scheduling: PodScheduling = {
    nodeSelector: stringMap(spec['nodeSelector']),
    tolerations: getArray(spec, 'tolerations').map(toToleration),
  };
  const required = getRecord(spec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution');
  if (required) scheduling.requiredTerms = getArray(required, 'nodeSelectorTerms').map(toTerm);
  return scheduling;
}

function toToleration(value: unknown): Toleration {
  const toleration: Toleration = {};
  for (const field of ['key', 'operator', 'value', 'effect'] as const) {
    const text = getString(value, field);
    if (text) toleration[field] = text;
  }
  return toleration;
}

function toTerm(term: unknown): NodeRequirement[] {
  const requirements = (list: string, field: NodeRequirement['field']) =>
    getArray(term, list).map((r) => ({
      field,
      key: getString(r, 'key') ?? '',
      operator: getString(r, 'operator') ?? '',
      values: getArray(r, 'values').filter((v): v is string => typeof v === 'string'),
    }));
  return [...requirements('matchExpressions', 'label'), ...requirements('matchFields', 'metadata.name')];
}
