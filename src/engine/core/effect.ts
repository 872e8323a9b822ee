/**
 * What a step did to a packet, as a value: the trace lines it adds, the reasons and warnings, and
 * the packet fields it sets. Steps build one with an EffectBuilder and return it; the pipeline
 * applies it (packet.ts). A cached effect is applied to many packets, so effects are never changed
 * after they are built and their lists are shared, never pushed to.
 */
import type { Identity, StepOutcome, TraceStep } from '../../model/decision.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PolicyAnswer } from '../../model/policy.ts';
import type { Finding } from '../../model/reasons.ts';
import { addressesOfBlock, orderedAddressSet } from '../../net/ip.ts';

export interface PacketFields {
  sourceIP?: string | null;
  /**
   * Several addresses the datapath picks from per connection; set only by leaveFromSet, and reset
   * by any step that sets sourceIP without it.
   */
  sourceIPs?: readonly string[];
  /** The egress object the addresses come from (allowlist names it). */
  egressFrom?: ObjectRef;
  identity?: Identity;
  via?: string;
  /** True once the answer can no longer change (unknown, dropped). */
  settled?: boolean;
  /** Set when an egress gateway took the packet: node SNAT is skipped, the gateway node is where it leaves. */
  gateway?: { node: string; policy: string };
  /** The egress policy verdict (steps/egress-policy.ts). */
  policy?: PolicyAnswer;
}

/** The fields a step sets are on the effect itself (absent: unchanged), so most effects are one object. */
export interface Effect extends Readonly<PacketFields> {
  readonly trace: readonly TraceStep[];
  readonly reasons: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/**
 * The most addresses of an egress prefix a set lists: a /24. AKS gateway prefixes are /28 to /31
 * (16 to 2 addresses, learn.microsoft.com AgentPoolGatewayProfile.PublicIPPrefixSize), so the bound
 * is far above any real one; past it the answer is unknown rather than a list of thousands.
 */
export const PREFIX_SET_LIMIT = 256;

/** The one empty list: decisions (hundreds of thousands on a large cluster) share it. */
export const NONE: readonly never[] = Object.freeze([]);

export const NO_EFFECT: Effect = Object.freeze({ trace: NONE, reasons: NONE, warnings: NONE });

export class EffectBuilder {
  private readonly traced: boolean;
  private trace: TraceStep[] | undefined;
  private reasons: readonly Finding[] = NONE;
  private warnings: readonly Finding[] = NONE;
  private fields: PacketFields = {};

  /** traced: whether the call keeps traces; without, trace lines are not even built. */
  constructor(traced: boolean) {
    this.traced = traced;
  }

  note(layer: string, outcome: StepOutcome, finding: Finding): this {
    if (this.traced) (this.trace ??= []).push({ layer, outcome, ...finding });
    return this;
  }

  reason(...findings: Finding[]): this {
    this.reasons = joined(this.reasons, findings);
    return this;
  }

  warn(...findings: Finding[]): this {
    this.warnings = joined(this.warnings, findings);
    return this;
  }

  set(fields: PacketFields): this {
    Object.assign(this.fields, fields);
    return this;
  }

  /**
   * The one way a mechanism answers with addresses it picks from per connection (design §5
   * "Additions"): sorted and once each; one address is an ordinary sourceIP, several leave
   * sourceIP null with all of them in sourceIPs. The caller never passes an empty list.
   */
  leaveFromSet(addresses: readonly string[], fields: Omit<PacketFields, 'sourceIP' | 'sourceIPs'>): this {
    const sorted = orderedAddressSet(addresses);
    return this.set({ ...fields, sourceIP: sorted.length === 1 ? sorted[0]! : null, sourceIPs: sorted });
  }

  /**
   * leaveFromSet for every address of an egress prefix (an AKS gateway's public IP prefix); a
   * prefix that does not parse, or holds more than PREFIX_SET_LIMIT addresses, is `unknown`.
   */
  leaveFromPrefix(
    layer: string,
    prefix: string,
    fields: Omit<PacketFields, 'sourceIP' | 'sourceIPs'>,
    source?: ObjectRef,
  ): this {
    const addresses = addressesOfBlock(prefix, PREFIX_SET_LIMIT);
    if (addresses) return this.leaveFromSet(addresses, fields);
    return this.unknown(layer, {
      code: 'EGRESS_PREFIX_NOT_LISTED',
      data: { prefix, limit: String(PREFIX_SET_LIMIT) },
      ...(source ? { source } : {}),
    });
  }

  /** Ends the walk with `unknown`: the finding says what is missing. */
  unknown(layer: string, finding: Finding): this {
    return this.note(layer, 'unknown', finding)
      .reason(finding)
      .set({ sourceIP: null, identity: 'unknown', settled: true });
  }

  /** The effect as a value; the builder is not used after this. One that changes nothing is NO_EFFECT, which the pipeline skips. */
  build(): Effect {
    if (!this.trace && this.reasons === NONE && this.warnings === NONE && Object.keys(this.fields).length === 0)
      return NO_EFFECT;
    return { ...this.fields, trace: this.trace ?? NONE, reasons: this.reasons, warnings: this.warnings };
  }
}

/** The list with more after it, as a new list; either one itself where the other is empty (lists are shared, never pushed to). */
export function joined<T>(list: readonly T[], more: readonly T[]): readonly T[] {
  if (more.length === 0) return list;
  return list.length === 0 ? more : [...list, ...more];
}
