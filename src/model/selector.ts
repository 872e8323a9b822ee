/** A label selector as requirements that must all hold (k8s.io/apimachinery pkg/labels). */
export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

export type LabelSelector = Requirement[];
