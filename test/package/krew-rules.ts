/**
 * Krew's manifest rules, as `validate-krew-manifest` applies them (kubectl-plugin-ecosystem.md §1.2:
 * krew internal/index/validation/validate.go and cmd/validate-krew-manifest/main.go). The real
 * validator is built from sigs.k8s.io/krew, which the Go module proxy here refuses (403), so the
 * suite checks the same rules itself; each finding is a stable code.
 */
import { basename, extname } from 'node:path';
import { parse } from 'yaml';

const API_VERSION = 'krew.googlecontainertools.github.com/v1alpha2';
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
/** Go's k8s.io/apimachinery/pkg/util/version ParseSemantic, with krew's mandatory leading "v". */
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** The os/arch pairs krew's validator accepts (validate-krew-manifest's osArchPairs). */
const OS_ARCH = ['windows/386', 'windows/amd64', 'windows/arm64', 'linux/386', 'linux/amd64', 'linux/arm', 'linux/arm64', 'linux/ppc64le', 'darwin/386', 'darwin/amd64', 'darwin/arm64'];

interface Selector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface Platform { uri?: string; sha256?: string; bin?: string; files?: { from?: string; to?: string }[] | null; selector?: Selector | null }
interface Manifest {
  apiVersion?: string; kind?: string; metadata?: { name?: string };
  spec?: { version?: string; shortDescription?: string; description?: string; platforms?: Platform[] };
}

export function validateManifest(path: string, text: string): string[] {
  const manifest = parse(text) as Manifest;
  const findings: string[] = [];
  const check = (ok: boolean, code: string) => void (ok || findings.push(code));
  check(extname(path) === '.yaml', 'FILE_NOT_YAML');
  check(manifest.apiVersion === API_VERSION, 'API_VERSION');
  check(manifest.kind === 'Plugin', 'KIND');
  const name = manifest.metadata?.name ?? '';
  check(/^[\w-]+$/.test(name) && !WINDOWS_RESERVED.test(name), 'NAME_INVALID');
  check(name === basename(path, '.yaml'), 'NAME_NOT_FILE_NAME');
  const spec = manifest.spec ?? {};
  check(Boolean(spec.shortDescription) && !/[\r\n]/.test(spec.shortDescription ?? ''), 'SHORT_DESCRIPTION');
  check(SEMVER.test(spec.version ?? ''), 'VERSION_NOT_SEMVER');
  const platforms = spec.platforms ?? [];
  check(platforms.length > 0, 'NO_PLATFORMS');
  platforms.forEach((p, i) => findings.push(...validatePlatform(p).map((code) => `platforms[${i}]: ${code}`)));
  const matched = platforms.map((p) => OS_ARCH.filter((pair) => selects(p.selector, pair)));
  matched.forEach((pairs, i) => check(pairs.length > 0, `platforms[${i}]: SELECTS_NO_SUPPORTED_PLATFORM`));
  for (const pair of OS_ARCH) check(matched.filter((pairs) => pairs.includes(pair)).length <= 1, `OVERLAPPING_SELECTORS ${pair}`);
  return findings;
}

function validatePlatform(p: Platform): string[] {
  const findings: string[] = [];
  if (!p.uri) findings.push('URI_MISSING');
  if (!/^[a-f0-9]{64}$/.test(p.sha256 ?? '')) findings.push('SHA256_INVALID');
  if (!p.bin) findings.push('BIN_MISSING');
  if (p.files !== undefined && p.files !== null && (p.files.length === 0 || p.files.some((f) => !f.from || !f.to))) findings.push('FILES_INVALID');
  const labels = Object.keys(p.selector?.matchLabels ?? {});
  const keys = [...labels, ...(p.selector?.matchExpressions ?? []).map((e) => e.key)];
  if (!p.selector || keys.length === 0) findings.push('SELECTOR_EMPTY');
  if (keys.some((k) => k !== 'os' && k !== 'arch')) findings.push('SELECTOR_KEY_NOT_OS_OR_ARCH');
  return findings;
}

/** metav1.LabelSelector semantics over the labels {os, arch}. */
function selects(selector: Selector | null | undefined, pair: string): boolean {
  if (!selector) return false;
  const [os, arch] = pair.split('/') as [string, string];
  const labels: Record<string, string> = { os, arch };
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    if (e.operator === 'In') return value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'NotIn') return value === undefined || !(e.values ?? []).includes(value);
    if (e.operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return byLabels && byExpressions;
}
