/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, which kubectl honours (Go's net/http ProxyFromEnvironment,
 * golang.org/x/net/http/httpproxy) and client-node ignores: applied as the cluster's proxy-url
 * unless the kubeconfig already sets one.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { coverage, parseCidr, singleAddress } from '../net/ip.ts';

export function applyProxyFromEnvironment(kc: KubeConfig, env: NodeJS.ProcessEnv): void {
  const cluster = kc.getCurrentCluster();
  if (!cluster || cluster.proxyUrl) return;
  const server = new URL(cluster.server);
  const proxy =
    server.protocol === 'https:'
      ? (env['HTTPS_PROXY'] ?? env['https_proxy'])
      : (env['HTTP_PROXY'] ?? env['http_proxy']);
  if (!proxy || !useProxy(server, env['NO_PROXY'] ?? env['no_proxy'] ?? '')) return;
  const proxyUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  kc.clusters = kc.getClusters().map((c) => (c.name === cluster.name ? { ...c, proxyUrl } : c));
}

/** httpproxy `useProxy`: never for localhost or loopback; NO_PROXY entries are hosts, domain suffixes, IPs or CIDRs. */
export function useProxy(server: URL, noProxy: string): boolean {
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || (server.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost') return false;
  const ip = singleAddress(host);
  if (ip && coverage(ip, [parseCidr('127.0.0.0/8')!.cidr, parseCidr('::1/128')!.cidr]) === 'all') return false;
  for (const raw of noProxy
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)) {
    if (raw === '*') return false;
    const cidr = parseCidr(raw);
    if (cidr && ip) {
      if (coverage(ip, [cidr.cidr]) === 'all') return false;
      continue;
    }
    const [entryHost = '', entryPort] = raw.startsWith('[')
      ? [raw.slice(1, raw.indexOf(']')), raw.split(']:')[1]]
      : raw.split(':');
    if (entryPort && entryPort !== port) continue;
    // "foo.com" matches it and its subdomains; ".foo.com" and "*.foo.com" only subdomains.
    const subdomainsOnly = /^\*?\./.test(entryHost);
    const domain = entryHost.replace(/^\*?\./, '');
    if (host.endsWith(`.${domain}`) || (!subdomainsOnly && host === domain)) return false;
  }
  return true;
}
