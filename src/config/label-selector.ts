/**
 * metav1.LabelSelector objects (matchLabels, matchExpressions) → requirements. An empty or absent
 * selector selects everything, as in Kubernetes.
 */
import type { LabelSelector, Requirement } from '../model/selector.ts';
import { getArray, getString, isRecord, stringMap } from './objects.ts';

const OPERATORS: Record<string, Requirement['op']> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: 'doesnotexist',
};

/** undefined when the selector is malformed (an unknown operator, In without values). */
export function toLabelSelector(value: unknown, keyPrefix = ''): LabelSelector | undefined {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return undefined;
  const selector: LabelSelector = Object.entries(stringMap(value['matchLabels'])).map(([key, v]) => ({
    key: keyPrefix + key,
    op: 'in',
    values: [v],
  }));
  for (const expression of getArray(value, 'matchExpressions')) {
    const key = getString(expression, 'key');
    const op = OPERATORS[getString(expression, 'operator') ?? ''];
    const values = getArray(expression, 'values').filter((v): v is string => typeof v === 'string');
    if (!key || !op) return undefined;
    if (op === 'in' || op === 'notin') {
      if (values.length === 0) return undefined;
      selector.push({ key: keyPrefix + key, op, values });
    } else selector.push({ key: keyPrefix + key, op });
  }
  return selector;
}

export function isLabelSelectorObject(value: unknown): boolean {
  return isRecord(value);
}
