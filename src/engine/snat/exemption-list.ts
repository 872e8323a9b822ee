/**
 * The chain shape ip-masq-agent, GKE's start-up script and most CNIs write: one RETURN per exempt
 * block, then MASQUERADE for everything else. Evaluated over the destination's whole range, so a
 * CIDR destination that is only partly exempt is reported as such instead of guessed.
 */
import type { ObjectRef } from '../../model/objects.ts';
import type { ReasonCode } from '../../model/reasons.ts';
import type { IpRange } from '../../model/net.ts';
import { coverage, firstContaining, parseCidr, type Cidr } from '../../net/ip.ts';
import type { LayerVerdict } from '../core/mechanism.ts';

export interface ExemptBlock {
  cidr: Cidr;
  /** The reason code a destination inside this block is exempted with. */
  code: ReasonCode;
}

export interface ExemptionCodes {
  masquerade: ReasonCode;
  exempt: ReasonCode;
}

export function exemptBlocks(cidrs: readonly string[], code: ReasonCode): ExemptBlock[] {
  return cidrs.flatMap((text) => {
    const parsed = parseCidr(text);
    return parsed ? [{ cidr: { ...parsed.cidr, text }, code }] : [];
  });
}

export function evaluateExemptions(
  range: IpRange,
  blocks: readonly ExemptBlock[],
  codes: ExemptionCodes,
  data: Record<string, string>,
  source: ObjectRef | undefined,
): LayerVerdict {
  const withSource = (code: ReasonCode, extra: Record<string, string>) =>
    source ? { code, data: { ...data, ...extra }, source } : { code, data: { ...data, ...extra } };
  const family = blocks.filter((b) => b.cidr.family === range.family);
  const containing = firstContaining(
    range,
    family.map((b) => ({ ...b.cidr, block: b })),
  );
  if (containing) return { outcome: 'exempt', finding: withSource(containing.block.code, { cidr: containing.text }) };
  const covered = coverage(
    range,
    family.map((b) => b.cidr),
  );
  const cidrs = family.map((b) => b.cidr.text).join(', ');
  if (covered === 'all') return { outcome: 'exempt', finding: withSource(codes.exempt, { cidr: cidrs }) };
  if (covered === 'some') return { outcome: 'unknown', finding: withSource('DST_RANGE_PARTIALLY_EXEMPT', { cidrs }) };
  return { outcome: 'masquerade', finding: withSource(codes.masquerade, { cidrs }) };
}
