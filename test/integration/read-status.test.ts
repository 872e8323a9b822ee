/**
 * Read status against a real kube-apiserver: for every resource the tool reads, a user bound to
 * the shipped roles minus that resource gets `unknown` with the reason wherever the answer depends
 * on it (never a definite IP), `allowlist` says the set is incomplete (exit 1), and answers that
 * do not depend on it stay as the full user's. Its own lab (read-status-fixtures.ts): Cilium with
 * egress gateway policies, Calico, a GKE node and EKS Auto Mode nodes, which the main lab's ip-masq-agent answers must
 * not meet.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl, startLab, writeKubeconfig, type Lab } from '../support/lab.ts';
import { runPlugin } from '../support/plugin.ts';
import { LAB_USERS_FOR_READ_STATUS, refusingUser, seedReadStatusLab, type Refusable } from './read-status-fixtures.ts';

interface Item {
  pod: string;
  workload: { kind: string; name: string };
  sourceIP: string | null;
  identity: string;
  reasons: { code: string; data?: Record<string, string> }[];
  policy: { verdict: string; reasons: { code: string; data?: Record<string, string> }[] };
}
interface Report {
  items: Item[];
  warnings: string[];
}

let lab: Lab;

beforeAll(async () => {
  lab = await startLab(inject('lab').binDir, { users: LAB_USERS_FOR_READ_STATUS });
  seedReadStatusLab(lab);
});

afterAll(async () => {
  await lab?.stop();
});

const kubeconfig = (user: string) => writeKubeconfig(lab, { name: user, token: lab.tokens[user]! });

async function whoAs(user: string): Promise<Report> {
  const result = await runPlugin([
    'who',
    '-n',
    'shop',
    '--to',
    '8.8.8.8',
    '-o',
    'json',
    '--kubeconfig',
    kubeconfig(user),
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

const byPod = (report: Report) => Object.fromEntries(report.items.map((i) => [i.pod, i]));

/** The pods whose answer rests on the refused resource, and the reason code their answer names. */
const DEPENDS: [Refusable, string[], string][] = [
  [
    'nodes',
    ['web-5f7d8c9b6-aaaaa', 'legacy-frontend-x1y2z', 'calico-app', 'gke-app', 'auto-app', 'pool-app'],
    'NODES_UNREADABLE',
  ],
  // Without the namespace list every agent namespace may hold an agent, and this user may not list DaemonSets in those it has no binding in.
  ['namespaces', ['legacy-frontend-x1y2z', 'calico-app', 'gke-app'], 'DATAPATH_UNREADABLE'],
  ['configmaps', ['web-5f7d8c9b6-aaaaa', 'legacy-frontend-x1y2z', 'batch'], 'CILIUM_CONFIG_UNREADABLE'],
  ['daemonsets', ['legacy-frontend-x1y2z', 'calico-app', 'gke-app'], 'DATAPATH_UNREADABLE'],
  [
    'ciliumegressgatewaypolicies',
    ['web-5f7d8c9b6-aaaaa', 'legacy-frontend-x1y2z', 'batch'],
    'CILIUM_EGW_POLICIES_UNREADABLE',
  ],
  ['ciliumnodes', ['web-5f7d8c9b6-aaaaa', 'legacy-frontend-x1y2z', 'batch'], 'CILIUM_NODES_UNREADABLE'],
  // Only a policy with several gateways picks one by the endpoint's UID.
  ['ciliumendpoints', ['batch'], 'CILIUM_EGW_GATEWAY_SET'],
  ['ippools', ['calico-app'], 'CALICO_CONFIG_UNREADABLE'],
  ['felixconfigurations', ['calico-app'], 'CALICO_CONFIG_UNREADABLE'],
  ['egressnatpolicies', ['gke-app'], 'GKE_EGRESS_NAT_POLICIES_UNREADABLE'],
  ['nodeclasses', ['auto-app', 'pool-app'], 'EKS_AUTO_NODECLASSES_UNREADABLE'],
  // Only a node without the eks.amazonaws.com/nodeclass label is linked to its NodeClass through its NodePool.
  ['nodepools', ['pool-app'], 'EKS_AUTO_NODEPOOLS_UNREADABLE'],
  ['egressips', ['ovn-app'], 'OVN_EGRESSIPS_UNREADABLE'],
  // The EgressService's load-balancer IP is in its Service (a GET); which pods it takes, in the EndpointSlices (any OVN pod of shop may be one).
  ['services', ['ovn-lb-app'], 'OVN_EGRESS_SERVICE_TARGET_UNREADABLE'],
  ['endpointslices', ['ovn-lb-app', 'ovn-app'], 'OVN_EGRESS_SERVICE_ENDPOINTS_UNREADABLE'],
  ['staticgatewayconfigurations', ['aks-app'], 'AKS_SGW_CONFIGURATIONS_UNREADABLE'],
];

describe('a user who may not read one resource', () => {
  let full: Record<string, Item>;
  beforeAll(async () => {
    full = byPod(await whoAs('full-user'));
  });

  it('the full user gets definite answers from every mechanism', () => {
    expect(Object.fromEntries(Object.entries(full).map(([pod, i]) => [pod, `${i.identity} ${i.sourceIP}`]))).toEqual({
      'web-5f7d8c9b6-aaaaa': 'egress-gateway 203.0.113.50',
      'legacy-frontend-x1y2z': 'node-ip 10.0.0.1',
      'backup-29400000-q7w8e': 'node-ip 10.0.0.1',
      batch: expect.stringMatching(/^egress-gateway 203\.0\.113\.5[01]$/) as unknown as string,
      'calico-app': 'node-ip 10.0.0.3',
      'gke-app': 'node-ip 34.1.2.3',
      'auto-app': 'node-ip 54.1.2.3',
      'pool-app': 'node-ip 54.1.2.4',
      'ovn-app': 'egress-ip 10.0.0.50',
      'ovn-lb-app': 'egress-ip 10.0.0.60',
      // Any address of the gateway's /31 prefix: a set, so no single sourceIP.
      'aks-app': 'egress-ip null',
    });
  });

  it.each(DEPENDS)(
    'may not list %s: unknown where it matters, with the reason; the rest unchanged',
    async (resource, pods, code) => {
      const report = byPod(await whoAs(refusingUser(resource)));
      for (const [pod, item] of Object.entries(report)) {
        if (pods.includes(pod)) {
          expect({ pod, identity: item.identity, sourceIP: item.sourceIP }).toEqual({
            pod,
            identity: 'unknown',
            sourceIP: null,
          });
          expect(item.reasons.map((r) => r.code)).toContain(code);
        } else if (item.identity !== 'unknown') {
          expect({ pod, sourceIP: item.sourceIP }).toEqual({ pod, sourceIP: full[pod]!.sourceIP });
        }
      }
    },
  );

  it.each(DEPENDS)('may not list %s: allowlist says the set is incomplete (exit 1)', async (resource, pods) => {
    const result = await runPlugin([
      'allowlist',
      pods[0]!,
      '-n',
      'shop',
      '--to',
      '8.8.8.8',
      '--kubeconfig',
      kubeconfig(refusingUser(resource)),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/incomplete/i);
  });

  it("the full user's allowlists for the same pods are complete (exit 0)", async () => {
    for (const pod of new Set(DEPENDS.map(([, pods]) => pods[0]!))) {
      const result = await runPlugin([
        'allowlist',
        pod,
        '-n',
        'shop',
        '--to',
        '8.8.8.8',
        '--kubeconfig',
        kubeconfig('full-user'),
      ]);
      expect({ pod, code: result.code }).toEqual({ pod, code: 0 });
    }
  });

  it.each([
    // Owners only group pods into workloads: the answers stay, the pods are grouped by what they name.
    [
      'replicasets',
      'legacy-frontend-x1y2z',
      { kind: 'ReplicaSet', name: 'legacy-frontend' },
      'cannot get replicasets.apps in shop',
    ],
    ['jobs', 'backup-29400000-q7w8e', { kind: 'Job', name: 'backup-29400000' }, 'cannot get jobs.batch in shop'],
  ] as const)(
    'may not get %s: the same addresses, %s grouped by its own owner reference, with a warning',
    async (resource, pod, workload, warning) => {
      const report = await whoAs(refusingUser(resource));
      const items = byPod(report);
      expect(Object.fromEntries(Object.entries(items).map(([p, i]) => [p, i.sourceIP]))).toEqual(
        Object.fromEntries(Object.entries(full).map(([p, i]) => [p, i.sourceIP])),
      );
      expect(items[pod]!.workload).toEqual(workload);
      expect(report.warnings.filter((w) => w.startsWith(warning))).toHaveLength(1);
    },
  );

  it("the full user's egress policy verdicts are definite: no NetworkPolicy isolates these pods", () => {
    expect(
      new Set(Object.values(full).map((i) => `${i.policy.verdict} ${i.policy.reasons.map((r) => r.code).join(',')}`)),
    ).toEqual(new Set(['allowed NETPOL_NOT_ISOLATED']));
  });

  it("may not list NetworkPolicies: every policy verdict unknown with the reason and the resource; source IPs as the full user's", async () => {
    const report = byPod(await whoAs(refusingUser('networkpolicies')));
    expect(Object.fromEntries(Object.entries(report).map(([p, i]) => [p, i.sourceIP]))).toEqual(
      Object.fromEntries(Object.entries(full).map(([p, i]) => [p, i.sourceIP])),
    );
    for (const item of Object.values(report)) {
      expect(item.policy.verdict).toBe('unknown');
      expect(item.policy.reasons).toEqual([
        {
          code: 'NETWORK_POLICIES_UNREADABLE',
          message: expect.stringContaining('NetworkPolicies could not be read') as unknown as string,
          data: expect.objectContaining({
            resource: 'networkpolicies.networking.k8s.io',
            reason: 'forbidden',
          }) as unknown as Record<string, string>,
        },
      ]);
    }
  });

  it('may list pods only where it asks: agents assumed on every node their DaemonSet allows, with a warning', async () => {
    const report = await whoAs(refusingUser('pods'));
    expect(report.warnings).toContain('cannot list pods in kube-system: results may be incomplete');
    expect(report.warnings.some((w) => w.includes('DaemonSet cilium') && w.includes('nodeSelector'))).toBe(true);
    expect(Object.fromEntries(report.items.map((i) => [i.pod, i.sourceIP]))).toEqual(
      Object.fromEntries(Object.entries(full).map(([p, i]) => [p, i.sourceIP])),
    );
  });

  it('may not list GatewayVMConfigurations: a private destination behind the AKS gateway is unknown, the internet is not', async () => {
    const asUser = async (user: string) => {
      const result = await runPlugin([
        'who',
        '-l',
        'app=aks-app',
        '-n',
        'shop',
        '--to',
        '10.30.0.5',
        '--to',
        '8.8.8.8',
        '-o',
        'json',
        '--kubeconfig',
        kubeconfig(user),
      ]);
      expect(result.code, result.stderr).toBe(0);
      return Object.fromEntries(
        (JSON.parse(result.stdout) as { items: (Item & { destination: string; sourceIPs: string[] })[] }).items.map(
          (i) => [i.destination, i],
        ),
      );
    };
    const [full, refused] = [await asUser('full-user'), await asUser(refusingUser('gatewayvmconfigurations'))];
    expect(full['10.30.0.5']).toMatchObject({ identity: 'egress-ip', sourceIPs: ['10.224.0.10', '10.224.0.11'] });
    expect(refused['10.30.0.5']).toMatchObject({ identity: 'unknown', sourceIPs: [] });
    expect(refused['10.30.0.5']!.reasons.map((r) => r.code)).toEqual(['AKS_SGW_GATEWAY_ADDRESSES_UNREADABLE']);
    expect(refused['8.8.8.8']).toMatchObject({ identity: 'egress-ip', sourceIPs: ['20.65.41.84', '20.65.41.85'] });
  });

  it('may not list Calico Enterprise egress gateway policies: the API is not served here, so nothing changes', async () => {
    const report = byPod(await whoAs(refusingUser('egressgatewaypolicies')));
    expect(Object.fromEntries(Object.entries(report).map(([p, i]) => [p, i.sourceIP]))).toEqual(
      Object.fromEntries(Object.entries(full).map(([p, i]) => [p, i.sourceIP])),
    );
  });
});

describe('a CRD served only at a version the tool does not know', () => {
  // Last in the file: it changes the lab's CiliumEgressGatewayPolicy CRD.
  it('warns with the served version and answers unknown where the policies matter', async () => {
    kubectl(lab, [
      'patch',
      'crd',
      'ciliumegressgatewaypolicies.cilium.io',
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'replace', path: '/spec/versions/0/served', value: false },
        { op: 'replace', path: '/spec/versions/0/storage', value: false },
        {
          op: 'add',
          path: '/spec/versions/-',
          value: {
            name: 'v3',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        },
      ]),
    ]);
    await waitForDiscovery(
      () =>
        kubectl(lab, ['get', '--raw', '/apis/cilium.io/v3']).includes('ciliumegressgatewaypolicies') &&
        !kubectl(lab, ['get', '--raw', '/apis/cilium.io/v2']).includes('ciliumegressgatewaypolicies') &&
        // The aggregated document the tool reads (cluster/discovery.ts), which kubectl api-resources reads too.
        /^ciliumegressgatewaypolicies\s.*cilium\.io\/v3\s/m.test(
          kubectl(lab, ['api-resources', '--api-group=cilium.io', '--cached=false']),
        ),
    );
    const report = await whoAs('full-user');
    expect(
      report.warnings.some((w) => w.includes('ciliumegressgatewaypolicies.cilium.io') && w.includes('only at v3')),
    ).toBe(true);
    const web = byPod(report)['web-5f7d8c9b6-aaaaa']!;
    expect(web).toMatchObject({ identity: 'unknown', sourceIP: null });
    expect(web.reasons.find((r) => r.code === 'CILIUM_EGW_POLICIES_UNREADABLE')?.data).toMatchObject({
      reason: 'unknown-version',
      served: 'v3',
    });
  });
});

async function waitForDiscovery(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the API server did not serve the changed CRD within 20 s');
}
