/** The release version, injected by scripts/build.mjs; "dev" when running from source. */
declare const KUBECTL_EGRESS_VERSION: string | undefined;

export const VERSION: string = typeof KUBECTL_EGRESS_VERSION === 'string' ? KUBECTL_EGRESS_VERSION : 'dev';
