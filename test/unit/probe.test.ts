/**
 * verify's pure parts: the probe pod, reading the echo's answer, planning probes, and comparing.
 */
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/engine/compare.ts';
import { planProbes, probeLabels, probeTwins } from '../../src/engine/probe-plan.ts';
import { buildSnapshot } from '../../src/engine/snapshot.ts';
import { selectPods } from '../../src/engine/select.ts';
import { predict } from '../../src/engine/predict.ts';
import type { Observation, ProbePlan } from '../../src/model/verification.ts';
import { buildProbePod } from '../../src/probe/manifest.ts';
import { parseObservedIp } from '../../src/probe/parse.ts';
import { build, daemonSet, ipMasqAgent, node, pod } from '../support/builders.ts';
import { networkPolicy } from '../support/policy-builders.ts';
import { destination } from '../support/predict.ts';

describe("reading the echo endpoint's answer", () => {
  it.each([
    ['a plain IP', '10.128.0.5\n', '10.128.0.5'],
    ['ip:port (agnhost /clientip)', '10.128.0.5:43122', '10.128.0.5'],
    ['[v6]:port', '[fd00::5]:443', 'fd00::5'],
    ['JSON client-ip (cilium-cli json-mock)', '{"client-ip":"203.0.113.1","other":1}', '203.0.113.1'],
    ['JSON ip', '{"ip": "34.66.1.2"}', '34.66.1.2'],
    ['JSON origin with a proxy chain (httpbin)', '{"origin": "34.66.1.2, 10.0.0.1"}', '34.66.1.2'],
    ['an IPv4-mapped IPv6 address', '::ffff:10.4.1.7', '10.4.1.7'],
  ])('reads %s', (_name, body, ip) => {
    expect(parseObservedIp(body)).toBe(ip);
  });

  it.each(['<html>hello</html>', '{"ip": 5}', '{not json', 'wget: bad address'])('finds no address in %j', (body) => {
    expect(parseObservedIp(body)).toBeUndefined();
  });
});

const objects = build(
  node('n1').internalIP('10.128.0.5').podCIDR('10.4.1.0/24'),
  ipMasqAgent(),
  pod('web-1', 'shop')
    .on('n1')
    .ip('10.4.1.7')
    .ownedBy('ReplicaSet', 'web-5f7d')
    .label('app', 'web')
    .label('pod-template-hash', '5f7d'),
  pod('web-2', 'shop')
    .on('n1')
    .ip('10.4.1.8')
    .ownedBy('ReplicaSet', 'web-5f7d')
    .label('app', 'web')
    .label('pod-template-hash', '5f7d'),
  pod('db-0', 'shop').on('n1').ip('10.4.1.9').ownedBy('StatefulSet', 'db').label('app', 'db'),
  pod('agent', 'shop').on('n1').ip('10.128.0.5').hostNetwork(),
);

function plans(by: 'class' | 'pod'): ProbePlan[] {
  const snapshot = buildSnapshot(objects);
  const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
  return planProbes(predict(snapshot, pods, { destinations: [destination('203.0.113.10')] }), pods, by);
}

describe('planning probes', () => {
  it('probes one pod per class of alike pods, and leaves hostNetwork pods out', () => {
    expect(plans('class').map((p) => [p.pod, p.members])).toEqual([
      ['db-0', ['db-0']],
      ['web-1', ['web-1', 'web-2']],
    ]);
  });

  it('probes every pod with --by pod', () => {
    expect(plans('pod').map((p) => p.pod)).toEqual(['db-0', 'web-1', 'web-2']);
  });
});

/** The fields of the probe pod's spec these tests read. */
interface ProbeSpec {
  nodeName: string;
  activeDeadlineSeconds: number;
  containers: { command: string[]; securityContext: unknown; readinessProbe: { exec: { command: string[] } } }[];
}

describe('the probe pod', () => {
  const probe = buildProbePod(plans('class')[1]!, {
    runId: 'abc123',
    index: 0,
    image: 'docker.io/library/busybox:1.36.1',
    echoURL: 'http://203.0.113.10:8080/',
    timeoutSeconds: 10,
    settleSeconds: 5,
    namespaceUID: 'uid-1',
  });
  const spec = probe['spec'] as ProbeSpec;

  it("is pinned to the pod's node in the pod's namespace, with its labels but not its controller's", () => {
    expect(probe.metadata).toMatchObject({
      namespace: 'shop',
      labels: { app: 'web', 'app.kubernetes.io/managed-by': 'kubectl-egress', 'kubectl-egress.io/run': 'abc123' },
    });
    expect(probe.metadata.labels).not.toHaveProperty('pod-template-hash');
    expect(spec['nodeName']).toBe('n1');
  });

  it("runs as the pod's service account (Cilium identities and Calico selectors carry it), without its token", () => {
    const objects = build(
      node('n1').internalIP('10.0.0.1').podCIDR('10.4.1.0/24'),
      pod('web-1', 'shop').on('n1').ip('10.4.1.7').serviceAccount('web-sa'),
    );
    const snapshot = buildSnapshot(objects);
    const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const [plan] = planProbes(predict(snapshot, pods, { destinations: [destination('8.8.8.8')] }), pods, 'pod');
    const spec = buildProbePod(plan!, {
      runId: 'abc123',
      index: 0,
      image: 'busybox',
      echoURL: 'http://203.0.113.10/',
      timeoutSeconds: 10,
      settleSeconds: 5,
    })['spec'] as Record<string, unknown>;
    expect(spec).toMatchObject({ serviceAccountName: 'web-sa', automountServiceAccountToken: false });
  });

  it('is owned by its namespace, so no ReplicaSet or DaemonSet adopts it', () => {
    expect(probe.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', name: 'shop', uid: 'uid-1', controller: true, blockOwnerDeletion: false },
    ]);
  });

  it('carries the annotation that opts a pod into an AKS static egress gateway, so its CNI routes it alike', () => {
    const objects = build(
      node('n1').internalIP('10.0.0.1').podCIDR('10.4.1.0/24'),
      pod('web-1', 'shop')
        .on('n1')
        .ip('10.4.1.7')
        .annotate('kubernetes.azure.com/static-gateway-configuration', 'sgw1')
        .annotate('unrelated.example.com/note', 'x'),
    );
    const snapshot = buildSnapshot(objects);
    const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const [plan] = planProbes(predict(snapshot, pods, { destinations: [destination('8.8.8.8')] }), pods, 'pod');
    const annotations = buildProbePod(plan!, {
      runId: 'abc123',
      index: 0,
      image: 'busybox',
      echoURL: 'http://203.0.113.10:8080/',
      timeoutSeconds: 10,
      settleSeconds: 0,
    }).metadata.annotations;
    expect(annotations).toEqual({
      'kubernetes.azure.com/static-gateway-configuration': 'sgw1',
      'kubectl-egress.io/probes-for': 'shop/web-1',
    });
  });

  it('meets Pod Security restricted, mounts no token, never becomes Ready, and has a deadline', () => {
    const container = spec.containers[0]!;
    expect(spec).toMatchObject({
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe.exec.command).toEqual(['false']);
    expect(spec['activeDeadlineSeconds']).toBeGreaterThan(10);
  });

  it('waits --settle seconds before it calls, and has that much longer until its deadline', () => {
    const script = spec.containers[0]!.command[2]!;
    expect(script.split('\n')[0]).toBe('sleep 5');
    expect(spec['activeDeadlineSeconds']).toBe(5 + 10 + 60);
  });
});

describe('predicted vs observed', () => {
  const plan = plans('class')[1]!;
  const seen = (
    sourceIP: string | null,
    code: Observation['code'] = 'OBSERVED',
    probeIP: string | null = '10.4.1.9',
  ): Observation => ({ sourceIP, code, detail: '', probe: { name: 'p', node: 'n1', podIP: probeIP } });
  const withPrediction = (identity: string, sourceIP: string | null): ProbePlan => ({
    ...plan,
    decision: {
      ...plan.decision,
      identity: identity as never,
      sourceIP,
      sourceIPs: sourceIP === null ? [] : [sourceIP],
    },
  });

  it.each([
    [
      'the predicted node IP',
      withPrediction('node-ip', '10.128.0.5'),
      seen('10.128.0.5'),
      'match',
      'OBSERVED_AS_PREDICTED',
    ],
    [
      'another address',
      withPrediction('node-ip', '10.128.0.5'),
      seen('10.4.1.7'),
      'mismatch',
      'OBSERVED_OTHER_ADDRESS',
    ],
    ['an unknown prediction', withPrediction('unknown', null), seen('10.4.1.7'), 'inconclusive', 'PREDICTION_UNKNOWN'],
    [
      'a predicted drop that got through',
      withPrediction('dropped', null),
      seen('10.4.1.7'),
      'mismatch',
      'PREDICTED_DROP_BUT_REACHED',
    ],
    [
      'a predicted drop that did not',
      withPrediction('dropped', null),
      seen(null, 'ECHO_UNREACHABLE'),
      'match',
      'DROPPED_AS_PREDICTED',
    ],
    [
      'a policy denial that held',
      withPrediction('denied', null),
      seen(null, 'ECHO_UNREACHABLE'),
      'match',
      'DENIED_AS_PREDICTED',
    ],
    [
      'a policy denial that did not',
      withPrediction('denied', null),
      seen('10.4.1.7'),
      'mismatch',
      'PREDICTED_DENIED_BUT_REACHED',
    ],
    [
      'an unreachable echo',
      withPrediction('node-ip', '10.128.0.5'),
      seen(null, 'ECHO_UNREACHABLE'),
      'inconclusive',
      'NOTHING_OBSERVED',
    ],
    [
      'an image pull failure',
      withPrediction('node-ip', '10.128.0.5'),
      seen(null, 'IMAGE_PULL_FAILED'),
      'error',
      'PROBE_ERROR',
    ],
    [
      "the probe's own pod IP where the pod IP is kept",
      withPrediction('pod-ip', '10.4.1.7'),
      seen('10.4.1.9'),
      'match',
      'OBSERVED_AS_PREDICTED',
    ],
    [
      "the workload's pod IP where the pod IP is kept (the probe has another)",
      withPrediction('pod-ip', '10.4.1.7'),
      seen('10.4.1.7'),
      'mismatch',
      'OBSERVED_OTHER_ADDRESS',
    ],
    [
      "a kept pod IP while the probe's own is unknown",
      withPrediction('pod-ip', '10.4.1.7'),
      seen('10.4.1.9', 'OBSERVED', null),
      'inconclusive',
      'PROBE_POD_IP_UNKNOWN',
    ],
  ])('compares %s', (_name, p, observation, verdict, code) => {
    expect(compare(p, observation)).toMatchObject({ verdict, code });
  });

  describe('with a predicted set (the datapath picks one address per connection)', () => {
    const withSet = (sourceIPs: string[]): ProbePlan => ({
      ...plan,
      decision: { ...plan.decision, identity: 'egress-ip', sourceIP: null, sourceIPs },
    });

    it.each([
      ['the first address of the set', seen('192.0.2.10'), 'match', 'OBSERVED_AS_PREDICTED'],
      ['the last address of the set', seen('192.0.2.12'), 'match', 'OBSERVED_AS_PREDICTED'],
      ['an address outside the set', seen('10.128.0.5'), 'mismatch', 'OBSERVED_OTHER_ADDRESS'],
    ])('compares %s', (_name, observation, verdict, code) => {
      expect(compare(withSet(['192.0.2.10', '192.0.2.11', '192.0.2.12']), observation)).toMatchObject({
        verdict,
        code,
      });
    });

    it('expects any address of the set, and no single one', () => {
      expect(compare(withSet(['192.0.2.10', '192.0.2.11']), seen('192.0.2.11'))).toMatchObject({
        expected: null,
        expectedSet: ['192.0.2.10', '192.0.2.11'],
      });
    });
  });

  it("expects the probe's own address for pod-ip and the predicted one otherwise", () => {
    expect(compare(withPrediction('pod-ip', '10.4.1.7'), seen('10.4.1.9')).expected).toBe('10.4.1.9');
    expect(compare(withPrediction('node-ip', '10.128.0.5'), seen('10.128.0.5')).expected).toBe('10.128.0.5');
  });
});

describe("the probe's labels", () => {
  it.each([
    [
      "keeps the pod's own labels and adds the run id",
      { app: 'web' },
      { app: 'web', 'app.kubernetes.io/managed-by': 'kubectl-egress', 'kubectl-egress.io/run': 'r1' },
    ],
    [
      'leaves out the labels a controller selects its pods by',
      {
        app: 'web',
        'pod-template-hash': '5f7d',
        'controller-revision-hash': 'abc',
        'batch.kubernetes.io/job-name': 'j',
      },
      { app: 'web', 'app.kubernetes.io/managed-by': 'kubectl-egress', 'kubectl-egress.io/run': 'r1' },
    ],
    [
      "keeps the pod's own managed-by (a policy may select on Helm's)",
      { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' },
      { app: 'web', 'app.kubernetes.io/managed-by': 'Helm', 'kubectl-egress.io/run': 'r1' },
    ],
  ])('%s', (_name, podLabels, expected) => {
    expect(probeLabels(podLabels, 'r1')).toEqual(expected);
  });
});

describe('a probe whose labels change the answer', () => {
  const kubeRouter = daemonSet('kube-router')
    .image('docker.io/cloudnativelabs/kube-router:v2.1.0')
    .args('--run-firewall=true');
  const twinsUnder = (selector: Record<string, string>) => {
    const policy = networkPolicy('deny-egress', 'shop').selecting({ matchLabels: selector }).types('Egress');
    const snapshot = buildSnapshot([...objects, ...build(kubeRouter), policy.build()]);
    const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const query = { destinations: [destination('203.0.113.10')] };
    return probeTwins(snapshot, planProbes(predict(snapshot, pods, query), pods, 'class'), pods, query);
  };
  const observed: Observation = {
    sourceIP: '10.4.1.9',
    code: 'OBSERVED',
    detail: '',
    probe: { name: 'p', node: 'n1', podIP: '10.4.1.9' },
  };
  const unreachable: Observation = { ...observed, sourceIP: null, code: 'ECHO_UNREACHABLE' };

  it('is inconclusive where a policy selects on a label the probe cannot wear, whatever it observes', () => {
    const web = twinsUnder({ 'pod-template-hash': '5f7d' }).find((p) => p.pod === 'web-1')!;
    expect([web.decision.identity, web.probeDecision?.identity]).toEqual(['denied', 'node-ip']);
    expect(compare(web, observed)).toMatchObject({ verdict: 'inconclusive', code: 'PROBE_NOT_REPRESENTATIVE' });
    expect(compare(web, unreachable)).toMatchObject({ verdict: 'inconclusive', code: 'PROBE_NOT_REPRESENTATIVE' });
  });

  it('is compared as usual where the policy selects on labels the probe wears too', () => {
    const web = twinsUnder({ app: 'web' }).find((p) => p.pod === 'web-1')!;
    expect(web.probeDecision?.identity).toBe('denied');
    expect(compare(web, unreachable)).toMatchObject({ verdict: 'match', code: 'DENIED_AS_PREDICTED' });
  });

  it('still reports a probe that could not run as an error', () => {
    const web = twinsUnder({ 'pod-template-hash': '5f7d' }).find((p) => p.pod === 'web-1')!;
    expect(compare(web, { ...observed, sourceIP: null, code: 'IMAGE_PULL_FAILED' })).toMatchObject({
      verdict: 'error',
      code: 'PROBE_ERROR',
    });
  });
});
