/**
 * The address an echo endpoint reports: a plain IP, `ip:port` (agnhost /clientip), or JSON with
 * `ip`, `client-ip` (cilium-cli's json-mock) or `origin` (httpbin, possibly "a, b").
 */
import { parseIp } from '../net/ip.ts';

export function parseObservedIp(body: string): string | undefined {
  const text = body.trim();
  if (text.startsWith('{')) return fromJson(text);
  const first = text.split(/\r?\n/)[0]?.trim() ?? '';
  return address(first);
}

function fromJson(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['client-ip', 'ip', 'origin']) {
    const field = record[key];
    if (typeof field === 'string') return address(field.split(',')[0]!.trim());
  }
  return undefined;
}

/** An address, with an optional port, IPv6 in brackets, and IPv4-mapped IPv6 unwrapped. */
function address(text: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  const candidate = bracketed?.[1] ?? v4port?.[1] ?? text;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(candidate);
  const ip = mapped?.[1] ?? candidate;
  return parseIp(ip) ? ip : undefined;
}
