/**
 * The release version and commit, injected by scripts/build.mjs from package.json and git (the
 * one place they come from); "dev" and "unknown" when running from source.
 */
declare const KUBECTL_EGRESS_VERSION: string | undefined;
declare const KUBECTL_EGRESS_COMMIT: string | undefined;

export const VERSION: string = typeof KUBECTL_EGRESS_VERSION === 'string' ? KUBECTL_EGRESS_VERSION : 'dev';
export const COMMIT: string = typeof KUBECTL_EGRESS_COMMIT === 'string' ? KUBECTL_EGRESS_COMMIT : 'unknown';

export interface VersionInfo {
  /** package.json's version, as is (semver, no "v"). */
  version: string;
  commit: string;
  /** The Node.js runtime: the embedded one in a single executable, else the one running the bundle. */
  node: string;
  platform: string;
  arch: string;
}

/**
 * Platform and architecture in Go's (and so Krew's `os`/`arch` selectors') names, so the line
 * names the same platform as the release archive the user downloaded: linux/amd64, darwin/arm64.
 */
const GO_OS: Record<string, string> = { win32: 'windows' };
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386' };

export function versionInfo(): VersionInfo {
  return {
    version: VERSION,
    commit: COMMIT,
    node: process.version,
    platform: GO_OS[process.platform] ?? process.platform,
    arch: GO_ARCH[process.arch] ?? process.arch,
  };
}

/** `kubectl-egress v0.1.0 (commit 0cf5c95, node v24.21.0, linux/amd64)`, for `version` and `--version`. */
export function versionLine(info: VersionInfo = versionInfo()): string {
  return `kubectl-egress ${releaseTag(info.version)} (commit ${info.commit}, node ${info.node}, ${info.platform}/${info.arch})`;
}

/** The `v…` tag of a release, as in the Krew manifest and its directory $KREW_ROOT/store/egress/<tag>/. */
export function releaseTag(version: string = VERSION): string {
  return /^\d/.test(version) ? `v${version}` : version;
}
