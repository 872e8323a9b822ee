/** `--to` values → destinations; hostnames are resolved here, locally, as the design asks. */
import type { Destination } from '../model/decision.ts';
import {
  addressDestination,
  DEFAULT_DESTINATIONS,
  destinationLabel,
  ownHostReason,
  parseDestination,
} from '../config/destinations.ts';
import { UsageError } from '../errors.ts';
import type { Io } from './io.ts';
import { listValues } from './options.ts';

export async function resolveDestinations(values: readonly string[], io: Io): Promise<Destination[]> {
  const texts = listValues(values, 'to');
  const destinations: Destination[] = [];
  for (const text of texts.length > 0 ? texts : DEFAULT_DESTINATIONS) {
    const parsed = parseDestination(text);
    if (parsed.kind === 'invalid') throw new UsageError(`invalid --to: ${parsed.reason}`);
    if (parsed.kind === 'resolved') destinations.push(parsed.destination);
    else
      destinations.push(
        ...(await resolveHostname(parsed.hostname, io)).map((d) => ({
          ...d,
          ...(parsed.port !== undefined && { port: parsed.port }),
          protocol: parsed.protocol,
        })),
      );
  }
  const seen = new Set<string>();
  const key = (d: Destination) => `${destinationLabel(d)}|${d.name ?? ''}`;
  return destinations.filter((d) => (seen.has(key(d)) ? false : (seen.add(key(d)), true)));
}

async function resolveHostname(hostname: string, io: Io): Promise<Destination[]> {
  let addresses: string[];
  try {
    addresses = await io.lookup(hostname);
  } catch (error) {
    throw new UsageError(
      `invalid --to: cannot resolve "${hostname}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const destinations = addresses.flatMap((a) => addressDestination(a, 'hostname', hostname) ?? []);
  // Resolved here, not in the pod: a name this host maps to itself (/etc/hosts) is no place the pod's traffic goes.
  const own = destinations.find((d) => ownHostReason(d.range, d.text));
  if (own) throw new UsageError(`invalid --to: "${hostname}" resolves to ${ownHostReason(own.range, own.text)}`);
  return destinations;
}
