/** A resource the tool reads, with where it lives: cluster/ lists it, mechanisms name the custom ones they read. */
export interface ResourceSpec {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
}

/** The resource as kubectl and RBAC rules name it: `plural.group`, or `plural` for the core group. */
export function resourceName(spec: ResourceSpec): string {
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}
