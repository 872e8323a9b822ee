/**
 * Cilium's identity-label filter as the agent builds it from cilium-config: its default patterns
 * plus the `labels` option (cilium/cilium pkg/labelsfilter/filter.go `defaultLabelPrefixCfg`,
 * `parseLabelPrefix`, `ParseLabelPrefixCfg`; Documentation/operations/performance/scalability/
 * identity-relevant-labels.rst). The engine applies it (engine/gateways/cilium-identity.ts).
 */
import type { CiliumLabelFilter, CiliumLabelPrefix } from '../model/cilium.ts';

/**
 * `defaultLabelPrefixCfg` in order, with the release that added each newer entry. The code read
 * (filter.go @0b22469d) lists the ignores up to `batch.kubernetes.io/job-completion-index`; the
 * newest identity-relevant-labels.rst adds `batch.kubernetes.io/controller-uid` and
 * `controller-uid`. Releases from the merged pull requests: #28003 (StatefulSet labels, 2023-09)
 * and #28897 (job-completion-index, 2023-10) in 1.15; #31178 (cluster include) and #31964
 * (controller-uid, 2024-04) in 1.16. Older agents keep what those entries drop.
 */
export const DEFAULT_LABEL_PATTERNS: readonly (readonly [string, string?])[] = [
  ['reserved:.*'],
  ['io\\.kubernetes\\.pod\\.namespace'],
  ['io\\.cilium\\.k8s\\.namespace\\.labels'],
  ['app\\.kubernetes\\.io'],
  ['io\\.cilium\\.k8s\\.policy\\.cluster', '1.16'],
  ['!io\\.kubernetes'],
  ['!kubernetes\\.io'],
  ['!statefulset\\.kubernetes\\.io/pod-name', '1.15'],
  ['!apps\\.kubernetes\\.io/pod-index', '1.15'],
  ['!batch\\.kubernetes\\.io/job-completion-index', '1.15'],
  ['!batch\\.kubernetes\\.io/controller-uid', '1.16'],
  ['!.*beta\\.kubernetes\\.io'],
  ['!k8s\\.io'],
  ['!pod-template-generation'],
  ['!pod-template-hash'],
  ['!controller-revision-hash'],
  ['!annotation.*'],
  ['!controller-uid', '1.16'],
  ['!etcd_node'],
];

/**
 * The regular-expression syntax whose meaning Go's regexp (RE2) and JavaScript's RegExp share for
 * label keys: literals, `.`, classes, groups without flags, alternation, repetition, anchors and
 * these escapes. Anything else (flags `(?i)`, `\p{..}`, `[[:alpha:]]`, `\z`, `\Q..\E`, back
 * references, look-around) is left unmodelled rather than read with JavaScript's meaning.
 */
const PLAIN_ESCAPES = new Set([...'.-/\\$^*+?()[]{}|_:dDwW']);

function modelledSyntax(pattern: string): boolean {
  if (['(?', '[:', '[=', '[.', '[]', '[^]'].some((s) => pattern.includes(s))) return false;
  for (let at = 0; at < pattern.length; at++) {
    if (pattern[at] !== '\\') continue;
    if (!PLAIN_ESCAPES.has(pattern[at + 1] ?? '')) return false;
    at++;
  }
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** `parseLabelPrefix`: source before the first `:`, then a leading `!` in the rest ignores. */
export function parseLabelPrefix(text: string): CiliumLabelPrefix | { error: string } {
  const colon = text.indexOf(':');
  const source = colon >= 0 ? text.slice(0, colon) : '';
  let pattern = colon >= 0 ? text.slice(colon + 1) : text;
  if (pattern.length === 0) return { error: `invalid label source "${source}", prefix "${pattern}"` };
  const ignore = pattern.startsWith('!');
  if (ignore) pattern = pattern.slice(1);
  if (!modelledSyntax(pattern))
    return { error: `label pattern "${text}" uses regular-expression syntax not modelled here` };
  return { source, pattern, ignore };
}

/**
 * The filter for cilium-config's `labels` (viper GetStringSlice: split on whitespace) and
 * `label-prefix-file` (which replaces the defaults with a file on the node, unread here).
 */
export function parseLabelFilter(data: Record<string, string>): CiliumLabelFilter {
  const prefixes: CiliumLabelPrefix[] = [];
  for (const [text, since] of DEFAULT_LABEL_PATTERNS) {
    const p = parseLabelPrefix(text);
    if ('error' in p) throw new Error(`default label pattern ${text}: ${p.error}`);
    prefixes.push(since ? { ...p, since } : p);
  }
  const filter: CiliumLabelFilter = { prefixes, whitelist: false };
  // pkg/labelsfilter/dynamic: with the dynamic label filter the agent adds the selector keys of
  // every network policy as inclusive patterns, which this reading does not follow. The option's
  // key is not confirmed (option.EnableDynamicLabelFilter), so any key naming it counts.
  const dynamic = Object.keys(data).find(
    (k) => k.includes('dynamic-label-filter') && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(data[k]!.trim()),
  );
  if (dynamic) {
    filter.unmodelled = `${dynamic} derives the identity labels from the network policies' selectors, which is not modelled`;
    return filter;
  }
  if (data['label-prefix-file']?.trim()) {
    filter.unmodelled = `label-prefix-file ${data['label-prefix-file'].trim()} replaces the default identity-label patterns and is not read`;
    return filter;
  }
  for (const text of (data['labels'] ?? '').split(/\s+/).filter(Boolean)) {
    const p = parseLabelPrefix(text);
    if ('error' in p) {
      filter.unmodelled = `labels: ${p.error}`;
      return filter;
    }
    if (!p.ignore) filter.whitelist = true;
    prefixes.push(p);
  }
  return filter;
}
