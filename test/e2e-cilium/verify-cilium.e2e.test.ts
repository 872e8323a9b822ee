/**
 * verify on real Cilium: a real cilium-agent (test/lab/cilium-lab.ts) runs from kube-system/cilium-config,
 * real pods send real packets through its datapath to an echo host, and verify compares what the
 * echo saw with what `who` predicts from that same ConfigMap; CiliumNetworkPolicies, as the agent
 * enforces them, against `who`'s policy verdicts. The last case stops the lab and checks
 * the machine is as it was. Where the machine cannot run the lab, the tests are skipped with the
 * reason, unless KUBECTL_EGRESS_REQUIRE_ALL_TESTS=1 (set by .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ciliumLabUnsupported,
  ECHO_IP,
  ECHO_RANGE,
  GATEWAY_NODE,
  NATIVE_ECHO_IP,
  NODE_IP,
  NODE_NAME,
  OTHER_PORT,
  POD_CIDR,
  SECOND_ECHO_IP,
  startCiliumLab,
  type CiliumLab,
} from '../lab/cilium-lab.ts';
import { labBinDir } from '../lab/host.ts';
import { namespaceWith, podRequest } from '../lab/lab-pods.ts';
import { kubectl } from '../support/lab.ts';
import { runPlugin } from '../support/plugin.ts';

const unsupported = ciliumLabUnsupported();
if (unsupported && process.env['KUBECTL_EGRESS_REQUIRE_ALL_TESTS'] === '1')
  throw new Error(`the Cilium lab is required here but cannot run: ${unsupported}`);
if (unsupported) process.stderr.write(`\nSKIPPING the Cilium end-to-end tests: ${unsupported}\n`);

interface PolicyJson {
  verdict: string;
  decidedBy: { kind: string; namespace?: string; name: string; rule: string }[];
  reasons: { code: string }[];
}

interface VerifyItem {
  predicted: { sourceIP: string | null };
  observed: { sourceIP: string } | null;
  verdict: string;
  verdictReason: { code: string };
  probe: { podIP: string | null };
}

/** What must be the same after the lab as before it: the host-wide sysctls, /var/run/cilium, namespaces, mounts. */
function hostState(): Record<string, string[]> {
  const volatile = /^kernel\.(ns_last_pid|random\.|pty\.nr)/;
  const sysctls = spawnSync('sysctl', ['-a'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.startsWith('kernel.') && !volatile.test(l));
  return {
    sysctls,
    varRunCilium: existsSync('/var/run/cilium') ? readdirSync('/var/run/cilium') : ['(absent)'],
    netns: spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.includes('cilium')),
    mounts: readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .filter((m) => /cilium|^bpf /.test(m)),
    processes: spawnSync('pgrep', ['-a', 'cilium'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean),
  };
}

/** The BPF programs and maps loaded in the kernel (they are not namespaced): "prog 12 cil_to_host" lines. */
function bpfObjects(): string[] {
  return (['prog', 'map'] as const).flatMap((kind) => {
    const shown = JSON.parse(spawnSync('bpftool', ['-j', kind, 'show'], { encoding: 'utf8' }).stdout || '[]') as {
      id: number;
      name?: string;
    }[];
    return shown.map((o) => `${kind} ${o.id} ${o.name ?? ''}`);
  });
}

/** What the lab loaded and left: the kernel frees a program once its last link and netns are gone, a moment after tear-down. */
async function bpfLeftovers(before: string[]): Promise<string[]> {
  let left: string[] = [];
  for (let i = 0; i < 30; i++) {
    left = bpfObjects().filter((o) => !before.includes(o));
    if (left.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return left;
}

describe.skipIf(unsupported)(`verify on a real cilium-agent${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
  let lab: CiliumLab;
  let before: Record<string, string[]>;
  let bpfBefore: string[];
  beforeAll(async () => {
    before = hostState();
    bpfBefore = bpfObjects();
    lab = await startCiliumLab(
      labBinDir('test/lab/build-k8s.sh', ['kubectl', 'kube-apiserver', 'kubelet', 'etcd']),
      labBinDir('test/lab/build-cilium.sh'),
    );
  });
  afterAll(async () => lab?.stop());

  async function clientPod(namespace: string): Promise<void> {
    namespaceWith(lab, NODE_NAME, namespace, 'client');
  }

  /** The reason codes of `who`'s answer for the pods of a namespace, read from the cluster. */
  async function whoCodes(namespace: string, to: string): Promise<string[]> {
    const result = await runPlugin(['who', '-n', namespace, '--to', to, '--kubeconfig', lab.kubeconfig, '-o', 'json']);
    const items = (JSON.parse(result.stdout) as { items: { reasons: { code: string }[] }[] }).items;
    return items.flatMap((i) => i.reasons.map((r) => r.code));
  }

  async function verify(args: string[], echoURL = lab.echoURL): Promise<{ code: number | null; rows: unknown[][] }> {
    const result = await runPlugin([
      'verify',
      '--kubeconfig',
      lab.kubeconfig,
      '--echo',
      echoURL,
      '--timeout',
      '20s',
      '-o',
      'json',
      ...args,
    ]);
    if (!result.stdout) throw new Error(`verify printed nothing (exit ${result.code}): ${result.stderr}`);
    const items = (JSON.parse(result.stdout) as { items: VerifyItem[] }).items;
    return {
      code: result.code,
      rows: items.map((i) => [i.predicted.sourceIP, i.observed?.sourceIP ?? null, i.verdict]),
    };
  }

  it('sees the node IP where the agent masquerades with iptables, and says match', async () => {
    await clientPod('cil-iptables');
    expect(lab.dbg(['status'])).toMatch(/Masquerading:\s+IPTables/);
    expect(await whoCodes('cil-iptables', '198.51.100.10')).toContain('CILIUM_IPTABLES_MASQUERADE');
    expect(await verify(['-n', 'cil-iptables'])).toEqual({ code: 0, rows: [[NODE_IP, NODE_IP, 'match']] });
  });

  it('sees the pod IP for a destination inside ipv4-native-routing-cidr, and says match', async () => {
    expect(await whoCodes('cil-iptables', NATIVE_ECHO_IP)).toContain('CILIUM_DST_IN_EXCLUSION_CIDR');
    const { code, rows } = await verify(['-n', 'cil-iptables'], lab.nativeEchoURL);
    const [[predicted, observed, verdict]] = rows as [[string, string, string]];
    expect([predicted.startsWith(POD_CIDR.replace(/0\/24$/, '')), observed, verdict, code]).toEqual([
      true,
      predicted,
      'match',
      0,
    ]);
  });

  it('says mismatch and exits 1 when the prediction comes from a cilium-config the agent does not run with', async () => {
    const snapshot = await runPlugin(['snapshot', '-n', 'cil-iptables', '--kubeconfig', lab.kubeconfig]);
    const stale = snapshot.stdout.replace(/(enable-ipv4-masquerade:\s*)(["']?)true\2/, '$1"false"');
    expect(stale).not.toBe(snapshot.stdout);
    const file = join(lab.dir, 'stale-cilium-config.yaml');
    writeFileSync(file, stale);
    const { code, rows } = await verify(['-n', 'cil-iptables', '-f', file]);
    const [[predicted, observed, verdict]] = rows as [[string, string, string]];
    expect([predicted.startsWith(POD_CIDR.replace(/0\/24$/, '')), observed, verdict, code]).toEqual([
      true,
      NODE_IP,
      'mismatch',
      1,
    ]);
  });

  it('sees the node IP where the agent masquerades in BPF, and says match', async () => {
    await lab.configure({ 'enable-bpf-masquerade': 'true' });
    await clientPod('cil-bpf');
    expect(lab.dbg(['status'])).toMatch(/Masquerading:\s+BPF/);
    expect(await whoCodes('cil-bpf', '198.51.100.10')).toContain('CILIUM_BPF_MASQUERADE');
    expect(await verify(['-n', 'cil-bpf'])).toEqual({ code: 0, rows: [[NODE_IP, NODE_IP, 'match']] });
  });

  it("keeps the pod IP for a destination in the ip-masq-agent's nonMasqueradeCIDRs, and follows a change of the ConfigMap", async () => {
    lab.setIpMasqAgent(['198.51.100.0/24']);
    await lab.configure({ 'enable-bpf-masquerade': 'true', 'enable-ip-masq-agent': 'true' });
    await clientPod('cil-ipmasq');
    const first = await verify(['-n', 'cil-ipmasq']);
    const [[predicted, observed, verdict]] = first.rows as [[string, string, string]];
    expect([predicted.startsWith(POD_CIDR.replace(/0\/24$/, '')), observed, verdict, first.code]).toEqual([
      true,
      predicted,
      'match',
      0,
    ]);
    lab.setIpMasqAgent(['192.0.2.0/24']);
    // The agent's file watcher reloads the list into its BPF map a moment later (its map is in the
    // agent's private bpffs, out of cilium-dbg's reach here): a few tries, the last one counts.
    let second = await verify(['-n', 'cil-ipmasq']);
    for (let i = 0; i < 5 && second.rows[0]?.[1] !== NODE_IP; i++) second = await verify(['-n', 'cil-ipmasq']);
    expect(second).toEqual({ code: 0, rows: [[NODE_IP, NODE_IP, 'match']] });
  });

  it("sees the egress IP of a CiliumEgressGatewayPolicy whose gateway is the pod's own node, and says match", async () => {
    const egressIP = '198.51.100.50';
    lab.nodeIp(['addr', 'add', `${egressIP}/32`, 'dev', 'eth0']);
    kubectl(lab, ['label', 'node', NODE_NAME, 'egress-gateway=true']);
    kubectl(
      lab,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumEgressGatewayPolicy',
        metadata: { name: 'lab-egw' },
        spec: {
          selectors: [{ podSelector: { matchLabels: { app: 'client', 'io.kubernetes.pod.namespace': 'cil-egw' } } }],
          destinationCIDRs: ['198.51.100.10/32'],
          egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway': 'true' } }, egressIP },
        },
      }),
    );
    await lab.configure({ 'enable-bpf-masquerade': 'true', 'enable-egress-gateway': 'true' });
    await clientPod('cil-egw');
    expect(await verifyUntil(egressIP, ['-n', 'cil-egw'])).toEqual({ code: 0, rows: [[egressIP, egressIP, 'match']] });
  });

  it("predicts a drop where the policy's gateway selector matches no node, and the probe does not connect", async () => {
    kubectl(
      lab,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumEgressGatewayPolicy',
        metadata: { name: 'lab-egw-nowhere' },
        spec: {
          selectors: [
            { podSelector: { matchLabels: { app: 'client', 'io.kubernetes.pod.namespace': 'cil-egw-nowhere' } } },
          ],
          destinationCIDRs: ['198.51.100.10/32'],
          egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway': 'nowhere' } } },
        },
      }),
    );
    await clientPod('cil-egw-nowhere');
    expect(await verifyNoConnection(['-n', 'cil-egw-nowhere'], lab.echoURL, 6)).toEqual([
      null,
      null,
      'match',
      'DROPPED_AS_PREDICTED',
      0,
    ]);
  });

  it('predicts denied where a CiliumNetworkPolicy egressDeny names the echo, and the probe does not connect', async () => {
    await clientPod('cil-cnp');
    await withPolicy(
      {
        metadata: { name: 'deny-echo', namespace: 'cil-cnp' },
        spec: { endpointSelector: {}, egressDeny: [{ toCIDR: [`${ECHO_IP}/32`] }] },
      },
      async () => {
        expect(await whoPolicy('cil-cnp', ECHO_IP)).toEqual([
          ['denied', 'denied', ['CNP_DENIED_BY_RULE'], ['CiliumNetworkPolicy cil-cnp/deny-echo spec.egressDeny[0]']],
        ]);
        expect(await verifyNoConnection(['-n', 'cil-cnp'])).toEqual(DENIED);
      },
    );
  });

  // The four NetworkPolicy cases of the kube-router lab (test/e2e-policy), written as CiliumNetworkPolicies.
  describe('CiliumNetworkPolicy cases on real packets', () => {
    const request = (namespace: string, pod: string, url = lab.echoURL) => podRequest(lab, namespace, pod, url);
    const REACHED = { code: 0, rows: [[NODE_IP, NODE_IP, 'match']] };

    it('blocks every connection of a pod that an empty egress rule puts into default deny', async () => {
      namespaceWith(lab, NODE_NAME, 'cnp-deny', 'client');
      expect(request('cnp-deny', 'client')).toBe(NODE_IP);
      // Documentation/security/policy/layer3.rst "Ingress/Egress Default Deny" (examples/policies/l3/egress-default-deny):
      // a rule with an egress section selects the pod into default deny; `egress: [{}]` allows nothing besides.
      await withPolicy(
        { metadata: { name: 'deny-all-egress', namespace: 'cnp-deny' }, spec: { endpointSelector: {}, egress: [{}] } },
        async () => {
          expect(await whoPolicy('cnp-deny', `${ECHO_IP}:8080`)).toEqual([
            [
              'denied',
              'denied',
              ['CNP_DEFAULT_DENY'],
              ['CiliumNetworkPolicy cnp-deny/deny-all-egress spec default deny'],
            ],
          ]);
          expect(await verifyNoConnection(['-n', 'cnp-deny'])).toEqual(DENIED);
        },
      );
    });

    it('lets a pod reach an address a toCIDRSet allows and not the address its except cuts out', async () => {
      namespaceWith(lab, NODE_NAME, 'cnp-except', 'client');
      expect([request('cnp-except', 'client'), request('cnp-except', 'client', lab.secondEchoURL)]).toEqual([
        NODE_IP,
        NODE_IP,
      ]);
      const spec = {
        endpointSelector: {},
        egress: [{ toCIDRSet: [{ cidr: ECHO_RANGE, except: [`${SECOND_ECHO_IP}/32`] }] }],
      };
      await withPolicy({ metadata: { name: 'allow-range-except-one', namespace: 'cnp-except' }, spec }, async () => {
        expect([
          ...(await whoPolicy('cnp-except', `${ECHO_IP}:8080`)),
          ...(await whoPolicy('cnp-except', `${SECOND_ECHO_IP}:8080`)),
        ]).toEqual([
          [
            'node-ip',
            'allowed',
            ['CNP_ALLOWED'],
            ['CiliumNetworkPolicy cnp-except/allow-range-except-one spec.egress[0]'],
          ],
          [
            'denied',
            'denied',
            ['CNP_DEFAULT_DENY'],
            ['CiliumNetworkPolicy cnp-except/allow-range-except-one spec default deny'],
          ],
        ]);
        expect(await verify(['-n', 'cnp-except'])).toEqual(REACHED);
        expect(await verifyNoConnection(['-n', 'cnp-except'], lab.secondEchoURL)).toEqual(DENIED);
      });
    });

    it('lets a pod out on the port a toPorts rule allows and not on another port of the same address', async () => {
      namespaceWith(lab, NODE_NAME, 'cnp-port', 'client');
      expect([request('cnp-port', 'client'), request('cnp-port', 'client', lab.otherPortURL)]).toEqual([
        NODE_IP,
        NODE_IP,
      ]);
      // A toPorts rule without L3 peers allows its ports to any destination (Documentation/security/policy/layer4.rst).
      const spec = { endpointSelector: {}, egress: [{ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] };
      await withPolicy({ metadata: { name: 'allow-tcp-8080', namespace: 'cnp-port' }, spec }, async () => {
        expect([
          ...(await whoPolicy('cnp-port', `${ECHO_IP}:8080`)),
          ...(await whoPolicy('cnp-port', `${ECHO_IP}:${OTHER_PORT}`)),
        ]).toEqual([
          ['node-ip', 'allowed', ['CNP_ALLOWED'], ['CiliumNetworkPolicy cnp-port/allow-tcp-8080 spec.egress[0]']],
          ['denied', 'denied', ['CNP_DEFAULT_DENY'], ['CiliumNetworkPolicy cnp-port/allow-tcp-8080 spec default deny']],
        ]);
        expect(await verify(['-n', 'cnp-port'])).toEqual(REACHED);
        expect(await verifyNoConnection(['-n', 'cnp-port'], lab.otherPortURL)).toEqual(DENIED);
      });
    });

    it('leaves a pod alone that a policy of its namespace does not select, while the selected pod is blocked', async () => {
      namespaceWith(lab, NODE_NAME, 'cnp-others', 'client', 'other');
      expect(request('cnp-others', 'other')).toBe(NODE_IP);
      const spec = { endpointSelector: { matchLabels: { app: 'other' } }, egress: [{}] };
      await withPolicy({ metadata: { name: 'deny-egress-of-other', namespace: 'cnp-others' }, spec }, async () => {
        expect([
          ...(await whoPolicy('cnp-others', `${ECHO_IP}:8080`, 'app=client')),
          ...(await whoPolicy('cnp-others', `${ECHO_IP}:8080`, 'app=other')),
        ]).toEqual([
          ['node-ip', 'allowed', ['CNP_NOT_ISOLATED'], []],
          [
            'denied',
            'denied',
            ['CNP_DEFAULT_DENY'],
            ['CiliumNetworkPolicy cnp-others/deny-egress-of-other spec default deny'],
          ],
        ]);
        expect(await verify(['-n', 'cnp-others', '-l', 'app=client'])).toEqual(REACHED);
        expect(await verifyNoConnection(['-n', 'cnp-others', '-l', 'app=other'])).toEqual(DENIED);
      });
    });
  });

  const DENIED = [null, null, 'match', 'DENIED_AS_PREDICTED', 0];

  /** Runs `body` with a CiliumNetworkPolicy the agent enforces, and removes it afterwards, so later cases never meet it. */
  async function withPolicy(
    policy: { metadata: { name: string; namespace: string }; spec: object },
    body: () => Promise<void>,
  ): Promise<void> {
    await lab.applyPolicy(policy);
    try {
      await body();
    } finally {
      await lab.deletePolicy(policy.metadata);
    }
  }

  /** who's answer for each pod of a namespace (those `selector` picks): identity, policy verdict, reason codes, the rules that decided. */
  async function whoPolicy(namespace: string, to: string, selector = 'app=client'): Promise<unknown[][]> {
    const who = await runPlugin([
      'who',
      '-n',
      namespace,
      '-l',
      selector,
      '--to',
      to,
      '--kubeconfig',
      lab.kubeconfig,
      '-o',
      'json',
    ]);
    const items = (JSON.parse(who.stdout) as { items: { identity: string; policy: PolicyJson }[] }).items;
    return items.map(({ identity, policy }) => [
      identity,
      policy.verdict,
      policy.reasons.map((r) => r.code),
      policy.decidedBy.map((d) => `${d.kind} ${d.namespace}/${d.name} ${d.rule}`),
    ]);
  }

  /**
   * verify (`args`: the namespace, a selector) where the probe should not connect.
   * [predicted source IP, observed, verdict, verdict reason, exit code]. `tries`: for a policy the
   * agent programs a moment after it sees it (a CiliumEgressGatewayPolicy), verify again until the
   * echo sees nothing, the last try counting. A CiliumNetworkPolicy applied with lab.applyPolicy is
   * in force before the probe exists, and cilium-cni returns only after the probe's endpoint is built
   * with it (SyncBuildEndpoint), so one try is the honest check.
   */
  async function verifyNoConnection(args: string[], echoURL = lab.echoURL, tries = 1): Promise<unknown[]> {
    const run = async () => {
      const result = await runPlugin([
        'verify',
        ...args,
        '--kubeconfig',
        lab.kubeconfig,
        '--echo',
        echoURL,
        '--timeout',
        '10s',
        '-o',
        'json',
      ]);
      return { result, item: (JSON.parse(result.stdout) as { items: VerifyItem[] }).items[0] };
    };
    let { result, item } = await run();
    for (let i = 1; i < tries && item?.observed !== null; i++) ({ result, item } = await run());
    return [item?.predicted.sourceIP, item?.observed, item?.verdict, item?.verdictReason.code, result.code];
  }

  /** verify until the echo sees `expected` (the agents program a new policy a moment after they see it): a few tries, the last one counts. */
  async function verifyUntil(
    expected: string,
    args: string[],
    echoURL?: string,
  ): Promise<{ code: number | null; rows: unknown[][] }> {
    let result = await verify(args, echoURL);
    for (let i = 0; i < 5 && result.rows[0]?.[1] !== expected; i++) result = await verify(args, echoURL);
    return result;
  }

  describe('with a second node as the egress gateway', () => {
    const egressIP = '198.51.100.51';
    beforeAll(async () => {
      await lab.addGatewayNode();
      lab.nodeIp(['addr', 'add', `${egressIP}/32`, 'dev', 'eth0'], GATEWAY_NODE);
      kubectl(lab, ['label', 'node', GATEWAY_NODE.name, 'egress-gateway-remote=true']);
      // ECHO_RANGE holds both echo addresses; the second is excluded.
      kubectl(
        lab,
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumEgressGatewayPolicy',
          metadata: { name: 'lab-egw-remote' },
          spec: {
            selectors: [{ podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': 'cil-egw-remote' } } }],
            destinationCIDRs: [ECHO_RANGE],
            excludedCIDRs: [`${SECOND_ECHO_IP}/32`],
            egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway-remote': 'true' } }, egressIP },
          },
        }),
      );
      await clientPod('cil-egw-remote');
    });

    it("sees the gateway node's egress IP for a pod on the other node, and says match", async () => {
      const who = await runPlugin([
        'who',
        '-n',
        'cil-egw-remote',
        '--to',
        '198.51.100.10',
        '--kubeconfig',
        lab.kubeconfig,
        '-o',
        'json',
      ]);
      const [item] = (JSON.parse(who.stdout) as { items: { node: string; gateway?: { node: string } }[] }).items;
      expect([item?.node, item?.gateway?.node]).toEqual([NODE_NAME, GATEWAY_NODE.name]);
      expect(await verifyUntil(egressIP, ['-n', 'cil-egw-remote'])).toEqual({
        code: 0,
        rows: [[egressIP, egressIP, 'match']],
      });
    });

    it("keeps the pod's own node IP for a destination in the policy's excludedCIDRs, and says match", async () => {
      expect(await whoCodes('cil-egw-remote', SECOND_ECHO_IP)).toContain('CILIUM_BPF_MASQUERADE');
      expect(await verify(['-n', 'cil-egw-remote'], lab.secondEchoURL)).toEqual({
        code: 0,
        rows: [[NODE_IP, NODE_IP, 'match']],
      });
    });
  });

  it("leaves the machine's kernel sysctls, /var/run/cilium, namespaces, mounts, processes and BPF programs and maps as they were", async () => {
    const loaded = bpfObjects().filter((o) => !bpfBefore.includes(o));
    await lab.stop();
    expect(hostState()).toEqual(before);
    // The check can fail: the agents' programs were there a moment ago.
    expect(loaded.filter((o) => o.includes(' cil_')).length).toBeGreaterThan(0);
    expect(await bpfLeftovers(bpfBefore)).toEqual([]);
  });
});
