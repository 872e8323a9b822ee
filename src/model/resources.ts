/** A resource the tool reads, with where it lives: cluster/ lists it, mechanisms name the custom ones they read. */
export interface ResourceSpec {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
}
