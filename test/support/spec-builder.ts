/**
 * A policy object written as its YAML, rule by rule: what the NetworkPolicy and admin policy
 * builders share.
 */
import type { KubeObject } from '../../src/model/objects.ts';

export type Json = Record<string, unknown>;

export abstract class SpecBuilder<Info> {
  protected readonly obj: KubeObject;
  constructor(obj: KubeObject) {
    this.obj = obj;
  }

  protected get spec(): Json {
    return this.obj['spec'] as Json;
  }

  /** One egress rule, written as its YAML. */
  egress(rule: Json = {}): this {
    ((this.spec['egress'] ??= []) as Json[]).push(rule);
    return this;
  }

  /** Any spec field as written, for malformed objects. */
  set(field: string, value: unknown): this {
    this.spec[field] = value;
    return this;
  }

  build(): KubeObject {
    return structuredClone(this.obj);
  }

  /** The object as the engine reads it. */
  abstract info(): Info;
}
