/**
 * verify end to end on the node lab: real pods on a real kubelet send real packets through real
 * iptables rules to an echo host in another network namespace, and verify compares what the echo
 * saw with the prediction.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  NODE_IP,
  NODE_NAME,
  POD_CIDR,
  PROBE_IMAGE,
  setBridgeMasquerade,
  UNREACHABLE_IP,
  type NodeLab,
} from '../lab/node-lab.ts';
import { kubectl } from '../support/lab.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';

const provided = inject('nodeLab');
const unsupported = 'unsupported' in provided ? provided.unsupported : undefined;
const lab = provided as NodeLab;

interface VerifyItem {
  namespace: string;
  pod: string;
  predicted: { sourceIP: string | null };
  observed: { sourceIP: string } | null;
  verdict: string;
  verdictReason: { code: string; observation: string };
  probe: { name: string; podIP: string | null };
}

const inPodCidr = (ip: string | undefined) => ip?.startsWith(POD_CIDR.replace(/0\/24$/, '')) === true;

/** The client meets Pod Security restricted too, so the same pod works in every namespace. */
const RESTRICTED_CONTAINER = {
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

/** A client pod on the lab node; resolves with its IP once it runs. */
async function clientPod(namespace: string, restricted = false): Promise<string> {
  kubectl(lab, ['create', 'namespace', namespace]);
  if (restricted) kubectl(lab, ['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace, labels: { app: 'client' } },
    spec: {
      nodeName: NODE_NAME,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'c',
          image: PROBE_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '3600'],
          ...RESTRICTED_CONTAINER,
        },
      ],
    },
  };
  kubectl(lab, ['create', '-f', '-'], JSON.stringify(pod));
  kubectl(lab, ['-n', namespace, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s']);
  return kubectl(lab, ['-n', namespace, 'get', 'pod', 'client', '-o', 'jsonpath={.status.podIP}']).trim();
}

async function verify(args: string[]): Promise<{ code: number | null; items: VerifyItem[]; stderr: string }> {
  const result = await runPlugin([
    'verify',
    '--kubeconfig',
    lab.kubeconfig,
    '--echo',
    lab.echoURL,
    '--timeout',
    '10s',
    '-o',
    'json',
    ...args,
  ]);
  return {
    code: result.code,
    stderr: result.stderr,
    items: result.stdout ? (JSON.parse(result.stdout) as { items: VerifyItem[] }).items : [],
  };
}

const probePods = () => kubectl(lab, ['get', 'pods', '-A', '-l', 'kubectl-egress.io/run', '-o', 'name']).trim();

describe.skipIf(unsupported)(`verify on a real node${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
  let podIP = '';
  beforeAll(async () => {
    podIP = await clientPod('e2e');
  });

  it("sees the probe's own pod IP where nothing masquerades, and says match", async () => {
    const { code, items } = await verify(['-n', 'e2e', '--datapath', 'none']);
    const probeIP = items[0]?.probe.podIP ?? undefined;
    expect(items.map((i) => [i.pod, i.predicted.sourceIP, i.observed?.sourceIP, i.verdict])).toEqual([
      ['client', probeIP, probeIP, 'match'],
    ]);
    expect(inPodCidr(probeIP)).toBe(true);
    expect(probeIP).not.toBe(podIP);
    expect(code).toBe(0);
  });

  it('says mismatch and exits 1 when the prediction comes from objects that disagree with the node', async () => {
    const snapshot = await runPlugin(['snapshot', '-n', 'e2e', '--kubeconfig', lab.kubeconfig]);
    const file = join(lab.dir, 'wrong-datapath.yaml');
    const agent = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
      spec: {
        template: {
          spec: { containers: [{ name: 'ip-masq-agent', image: 'registry.k8s.io/networking/ip-masq-agent:v2.12.6' }] },
        },
      },
    };
    writeFileSync(file, `${snapshot.stdout}\n---\n${JSON.stringify(agent)}\n`);
    const { code, items } = await verify(['-n', 'e2e', '-f', file]);
    expect(items.map((i) => [i.predicted.sourceIP, i.observed?.sourceIP, i.verdict, i.verdictReason.code])).toEqual([
      [NODE_IP, items[0]?.probe.podIP, 'mismatch', 'OBSERVED_OTHER_ADDRESS'],
    ]);
    expect(inPodCidr(items[0]?.observed?.sourceIP)).toBe(true);
    expect(code).toBe(1);
  });

  it('sees the node IP once the bridge plugin masquerades (real iptables rules), and says match', async () => {
    setBridgeMasquerade(lab.nodeDir, true);
    try {
      await clientPod('e2e-masq');
      const { code, items } = await verify(['-n', 'e2e-masq', '--datapath', 'cni-bridge']);
      expect(items.map((i) => [i.predicted.sourceIP, i.observed?.sourceIP, i.verdict])).toEqual([
        [NODE_IP, NODE_IP, 'match'],
      ]);
      expect(code).toBe(0);
    } finally {
      setBridgeMasquerade(lab.nodeDir, false);
    }
  });

  it('runs its probe in a namespace that enforces Pod Security restricted', async () => {
    await clientPod('e2e-restricted', true);
    const { items } = await verify(['-n', 'e2e-restricted', '--datapath', 'none']);
    expect(items.map((i) => [i.observed?.sourceIP, i.verdict])).toEqual([[items[0]?.probe.podIP, 'match']]);
    expect(inPodCidr(items[0]?.observed?.sourceIP)).toBe(true);
  });

  it('reports an unreachable echo endpoint as inconclusive, with the reason, without hanging', async () => {
    const result = await runPlugin([
      'verify',
      '-n',
      'e2e',
      '--kubeconfig',
      lab.kubeconfig,
      '--echo',
      `http://${UNREACHABLE_IP}:8080/`,
      '--timeout',
      '3s',
      '--datapath',
      'none',
      '-o',
      'json',
    ]);
    const [item] = (JSON.parse(result.stdout) as { items: VerifyItem[] }).items;
    expect(item).toMatchObject({
      verdict: 'inconclusive',
      verdictReason: { code: 'NOTHING_OBSERVED', observation: 'ECHO_UNREACHABLE' },
    });
    expect(result.code).toBe(0);
    expect(probePods()).toBe('');
  });

  it('leaves no probe pod behind when interrupted with Ctrl-C mid-run', async () => {
    const child = spawn(PLUGIN, [
      'verify',
      '-n',
      'e2e',
      '--kubeconfig',
      lab.kubeconfig,
      '--echo',
      `http://${UNREACHABLE_IP}:8080/`,
      '--timeout',
      '60s',
      '--datapath',
      'none',
    ]);
    for (let i = 0; i < 150 && !/Running/.test(kubectl(lab, ['get', 'pods', '-A', '-l', 'kubectl-egress.io/run'])); i++)
      await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(130);
    expect(probePods()).toBe('');
  });
});
