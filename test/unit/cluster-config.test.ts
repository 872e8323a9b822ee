/**
 * The pure parts of the cluster layer's configuration: NO_PROXY matching (Go's httpproxy rules)
 * and kubectl's --request-timeout values.
 */
import { describe, expect, it } from 'vitest';
import { useProxy } from '../../src/cluster/proxy.ts';
import { parseRequestTimeout } from '../../src/cli/options.ts';

describe("NO_PROXY, as Go's httpproxy reads it", () => {
  it.each([
    ['a host not listed', 'https://api.example.com:6443', 'other.com', true],
    ['the host itself', 'https://api.example.com:6443', 'api.example.com', false],
    ['a parent domain, which covers subdomains', 'https://api.example.com:6443', 'example.com', false],
    ['a leading-dot domain, which does not cover the domain itself', 'https://example.com:6443', '.example.com', true],
    ['a wildcard', 'https://api.example.com', '*', false],
    ['a CIDR holding the IP', 'https://10.1.2.3:6443', '10.0.0.0/8', false],
    ['a CIDR not holding the IP', 'https://10.1.2.3:6443', '192.168.0.0/16', true],
    ['a host with the wrong port', 'https://api.example.com:6443', 'api.example.com:443', true],
    ['localhost, never proxied', 'https://localhost:6443', '', false],
    ['a loopback address, never proxied', 'https://127.0.0.1:6443', '', false],
  ])('%s', (_name, server, noProxy, proxied) => {
    expect(useProxy(new URL(server), noProxy)).toBe(proxied);
  });
});

describe('--request-timeout values', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseRequestTimeout(text)).toBe(ms);
  });

  it.each(['5 s', 'soon', '-1s', '1d'])('rejects %s', (text) => {
    expect(() => parseRequestTimeout(text)).toThrow(/--request-timeout/);
  });
});
