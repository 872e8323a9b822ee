/**
 * explain's pods (src/cluster/explained-pod.ts): its pod by name and the namespace's pods at the
 * destination addresses, or the whole namespace wherever those could miss a pod its answers consult.
 */
import { describe, expect, it } from 'vitest';
import type { IpRange } from '../../src/model/net.ts';
import type { KubeObject } from '../../src/model/objects.ts';
import {
  MAX_ADDRESS_LISTS,
  needsWholeNamespace,
  readExplainedPod,
  type NamespacePodReads,
} from '../../src/cluster/explained-pod.ts';
import { cidrBlocks, singleAddress } from '../../src/net/ip.ts';
import { build, pod } from '../support/builders.ts';

const NAMESPACE = build(
  pod('web', 'shop').ip('10.4.1.7'),
  pod('db', 'shop').ip('10.4.1.8'),
  pod('cache', 'shop').ip('10.4.1.9', 'fd00::9'),
  pod('agent-n1', 'shop').ip('10.0.0.5').hostNetwork(),
  pod('pending', 'shop'),
  pod('garbled', 'shop').ip('10.4.1.999'),
);

const address = (text: string): IpRange => singleAddress(text)!;
const range = (text: string): IpRange => cidrBlocks([text])[0]!;
const names = (pods: readonly KubeObject[]) => pods.map((p) => p.metadata.name);
const podIP = (p: KubeObject) => (p as { status?: { podIP?: string } }).status?.podIP;

/** Reads over NAMESPACE as the API server answers them, recording each list. */
function reads(pods: readonly KubeObject[] = NAMESPACE): NamespacePodReads & { made: string[] } {
  const made: string[] = [];
  return {
    made,
    named: async (name) => (made.push(`metadata.name=${name}`), pods.filter((p) => p.metadata.name === name)),
    at: async (ip) => (made.push(`status.podIP=${ip}`), pods.filter((p) => podIP(p) === ip)),
    all: async () => (made.push('all'), pods),
  };
}

const known = Promise.resolve({});

describe("explain's pods", () => {
  it('are its pod and the pods at the destination addresses, each once, in the order of a list of the namespace', async () => {
    const r = reads();
    const pods = await readExplainedPod(
      'web',
      [address('10.4.1.8'), address('8.8.8.8'), address('10.4.1.7'), address('10.4.1.8')],
      known,
      r,
    );
    expect(names(pods)).toEqual(['db', 'web']);
    expect(r.made).toEqual([
      'metadata.name=web',
      'status.podIP=10.4.1.8',
      'status.podIP=8.8.8.8',
      'status.podIP=10.4.1.7',
    ]);
  });

  it('are none when no pod has the name (explain then says it was not found)', async () => {
    const r = reads();
    expect(await readExplainedPod('gone', [address('8.8.8.8')], known, r)).toEqual([]);
    expect(r.made).not.toContain('all');
  });

  it('are its pod alone where a server ignores the field selector and answers every pod', async () => {
    const ignoring: NamespacePodReads = {
      named: async () => NAMESPACE,
      at: async () => [],
      all: async () => NAMESPACE,
    };
    expect(names(await readExplainedPod('db', [address('8.8.8.8')], known, ignoring))).toEqual(['db']);
  });

  it.each([
    ['a destination is a range', 'web', {}, [range('10.4.0.0/16')]],
    [`there are more than ${MAX_ADDRESS_LISTS} destination addresses`, 'web', {}, manyAddresses(MAX_ADDRESS_LISTS + 1)],
    ['a destination is of the other family than the pod’s first address', 'cache', {}, [address('fd00::8')]],
    ['the pod has no address yet', 'pending', {}, [address('8.8.8.8')]],
    ['the pod’s address is not an address', 'garbled', {}, [address('8.8.8.8')]],
    ['the namespace has a Calico egress gateway annotation', 'web', calico(), [address('8.8.8.8')]],
    ['the namespace’s annotations are unknown', 'web', undefined, [address('8.8.8.8')]],
  ])('are the whole namespace where %s', async (_case, name, annotations, destinations) => {
    const r = reads();
    const pods = await readExplainedPod(name, destinations, Promise.resolve(annotations), r);
    expect(names(pods)).toEqual(names(NAMESPACE));
    expect(r.made).toContain('all');
  });

  it('are the whole namespace where the pod has a Calico egress gateway annotation', async () => {
    const annotated = build(pod('web', 'shop').ip('10.4.1.7').annotate('egress.projectcalico.org/selector', 'egw'));
    const r = reads([...annotated, ...NAMESPACE.slice(1)]);
    await readExplainedPod('web', [address('8.8.8.8')], known, r);
    expect(r.made).toContain('all');
  });

  it('need no more than its pod and those addresses in the other cases', () => {
    const [web, , cache, agent] = NAMESPACE;
    expect(needsWholeNamespace(web!, { 'other.example/key': 'x' }, [address('8.8.8.8'), address('10.4.1.8')])).toBe(
      false,
    );
    expect(needsWholeNamespace(cache!, {}, [address('10.4.1.7')])).toBe(false);
    expect(needsWholeNamespace(agent!, {}, [address('169.254.169.254')])).toBe(false);
  });
});

function calico(): Record<string, string> {
  return { 'egress.projectcalico.org/selector': "egress-code == 'red'" };
}

function manyAddresses(count: number): IpRange[] {
  return Array.from({ length: count }, (_, i) => address(`203.0.113.${i + 1}`));
}
