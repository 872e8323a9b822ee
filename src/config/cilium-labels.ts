/**
 * Cilium's identity-label filter as the agent builds it from cilium-config: its default patterns
 * plus the `labels` option (cilium/cilium pkg/labelsfilter/filter.go `defaultLabelPrefixCfg`,
 * `parseLabelPrefix`, `ParseLabelPrefixCfg`; Documentation/operations/performance/scalability/
 * identity-relevant-labels.rst). The engine applies it (engine/gateways/cilium-identity.ts).
 */
import type { CiliumLabelFilter, CiliumLabelPrefix } from '../model/cilium.ts';

/**
 * `defaultLabelPrefixCfg` in order. The includes only win over a shorter ignore (or, with an
 * inclusive `labels` entry, are the only labels kept besides it). The code read (filter.go
 * @0b22469d) lists the ignores up to `batch.kubernetes.io/job-completion-index`; the newest
 * identity-relevant-labels.rst adds `batch.kubernetes.io/controller-uid` and `controller-uid`, kept
 * here. Older agents (filter.go @82241fa5) lack the pod-name, pod-index, job-completion-index and
 * cluster entries, so selectors on those keys match there.
 */
export const DEFAULT_LABEL_PATTERNS = [
  'reserved:.*',
  'io\\.kubernetes\\.pod\\.namespace',
  'io\\.cilium\\.k8s\\.namespace\\.labels',
  'app\\.kubernetes\\.io',
  'io\\.cilium\\.k8s\\.policy\\.cluster',
  '!io\\.kubernetes',
  '!kubernetes\\.io',
  '!statefulset\\.kubernetes\\.io/pod-name',
  '!apps\\.kubernetes\\.io/pod-index',
  '!batch\\.kubernetes\\.io/job-completion-index',
  '!batch\\.kubernetes\\.io/controller-uid',
  '!.*beta\\.kubernetes\\.io',
  '!k8s\\.io',
  '!pod-template-generation',
  '!pod-template-hash',
  '!controller-revision-hash',
  '!annotation.*',
  '!controller-uid',
  '!etcd_node',
] as const;

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
  if (!modelledSyntax(pattern)) return { error: `label pattern "${text}" uses regular-expression syntax not modelled here` };
  return { source, pattern, ignore };
}

/**
 * The filter for cilium-config's `labels` (viper GetStringSlice: split on whitespace) and
 * `label-prefix-file` (which replaces the defaults with a file on the node, unread here).
 */
export function parseLabelFilter(data: Record<string, string>): CiliumLabelFilter {
  const prefixes: CiliumLabelPrefix[] = [];
  for (const text of DEFAULT_LABEL_PATTERNS) {
    const p = parseLabelPrefix(text);
    if ('error' in p) throw new Error(`default label pattern ${text}: ${p.error}`);
    prefixes.push(p);
  }
  const filter: CiliumLabelFilter = { prefixes, whitelist: false };
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
