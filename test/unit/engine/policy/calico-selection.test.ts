/**
 * Which Calico policies select a pod for egress: the endpoint selector Calico's syncer builds
 * (networkpolicyprocessor.go, globalnetworkpolicyprocessor.go, selectors.go), on the labels of the
 * pod's workload endpoint and of its namespace's and ServiceAccount's profiles (conversion.go),
 * and `types` as felix reads it (policy_sorter.go).
 */
import { describe, expect, it } from 'vitest';
import { toCalicoPolicy } from '../../../../src/config/calico-policies.ts';
import { calicoSelection, selectionUnknowns } from '../../../../src/engine/policy/calico-selection.ts';
import type { CalicoPolicyKind } from '../../../../src/model/calico-policy.ts';
import type { PodInfo } from '../../../../src/model/snapshot.ts';
import { testPod } from '../../../support/policy-builders.ts';

const np = (spec: Record<string, unknown>, namespace = 'x') => policy('CalicoNetworkPolicy', spec, namespace);
const gnp = (spec: Record<string, unknown>) => policy('GlobalNetworkPolicy', spec);

function policy(kind: CalicoPolicyKind, spec: Record<string, unknown>, namespace?: string) {
  const apiVersion = 'crd.projectcalico.org/v1';
  return toCalicoPolicy(kind, {
    apiVersion,
    kind: kind === 'GlobalNetworkPolicy' ? kind : 'NetworkPolicy',
    metadata: { name: 'p', ...(namespace && { namespace }) },
    spec,
  });
}

/** x/a: pod a in namespace x (labelled pod=a), service account `robot`. */
function podA(extra: Partial<PodInfo> = {}): PodInfo {
  return { ...testPod('x/a', '10.0.0.1', { labels: { app: 'web' } }), serviceAccount: 'robot', ...extra };
}

const NAMESPACE = { team: 'blue' };

/** `namespaceLabels` null: the namespace was not read. */
function codes(
  p: ReturnType<typeof policy>,
  pod = podA(),
  namespaceLabels: Record<string, string> | null = NAMESPACE,
): string[] {
  const selection = calicoSelection([p], 1, pod, namespaceLabels ?? undefined);
  const unknowns = selectionUnknowns(selection, 'not worked out in this test');
  return unknowns.length > 0 ? unknowns.map((f) => f.code) : [selection.note!.code];
}

const SELECTS = ['CALICO_POLICY_SELECTS'];
const NOT = ['CALICO_POLICIES_DO_NOT_SELECT'];
const MAY = ['CALICO_POLICY_MAY_SELECT'];
const INVALID = ['CALICO_POLICY_INVALID'];

describe('the workload endpoint a pod is', () => {
  it.each([
    ['its own labels', np({ selector: "app == 'web' && pod == 'a'", types: ['Egress'] }), SELECTS],
    [
      'projectcalico.org/namespace',
      gnp({ selector: "projectcalico.org/namespace == 'x'", types: ['Egress'] }),
      SELECTS,
    ],
    [
      'projectcalico.org/orchestrator: k8s',
      gnp({ selector: "projectcalico.org/orchestrator == 'k8s'", types: ['Egress'] }),
      SELECTS,
    ],
    [
      'projectcalico.org/serviceaccount',
      gnp({ selector: "projectcalico.org/serviceaccount == 'robot'", types: ['Egress'] }),
      SELECTS,
    ],
    ['its namespace labels under pcns.', gnp({ selector: "pcns.team == 'blue'", types: ['Egress'] }), SELECTS],
    [
      'the namespace name as pcns.projectcalico.org/name',
      gnp({ selector: "pcns.projectcalico.org/name == 'x'", types: ['Egress'] }),
      SELECTS,
    ],
    [
      'the account name as pcsa.projectcalico.org/name',
      gnp({ selector: "pcsa.projectcalico.org/name == 'robot'", types: ['Egress'] }),
      SELECTS,
    ],
    ['not a label it lacks', np({ selector: "app == 'db'", types: ['Egress'] }), NOT],
  ])('%s', (_, p, expected) => {
    expect(codes(p)).toEqual(expected);
  });

  it('does not carry pcns. or pcsa. labels of its own (workloadendpointprocessor.go drops them)', () => {
    const pod = podA({ labels: { 'pcns.team': 'red', 'pcsa.role': 'admin' } });
    expect(codes(gnp({ selector: "pcns.team == 'red'", types: ['Egress'] }), pod)).toEqual(NOT);
    expect(codes(gnp({ selector: "pcsa.role == 'admin'", types: ['Egress'] }), pod)).toEqual(MAY);
  });
});

describe('which pods a policy selects', () => {
  it.each([
    ['a NetworkPolicy selects in its own namespace only', np({ selector: 'all()', types: ['Egress'] }, 'y'), NOT],
    ['an empty selector is all()', np({ types: ['Egress'] }), SELECTS],
    ['a GlobalNetworkPolicy selects in every namespace', gnp({ selector: "app == 'web'", types: ['Egress'] }), SELECTS],
    [
      'namespaceSelector reads namespace labels',
      gnp({ namespaceSelector: "team == 'blue'", types: ['Egress'] }),
      SELECTS,
    ],
    [
      'and must hold with the selector',
      gnp({ selector: "app == 'db'", namespaceSelector: "team == 'blue'", types: ['Egress'] }),
      NOT,
    ],
    [
      'namespaceSelector all() selects every namespace',
      gnp({ namespaceSelector: 'all()', types: ['Egress'] }),
      SELECTS,
    ],
    [
      'serviceAccountSelector by name',
      np({ serviceAccountSelector: "projectcalico.org/name == 'robot'", types: ['Egress'] }),
      SELECTS,
    ],
    [
      'serviceAccountSelector by another name',
      np({ serviceAccountSelector: "projectcalico.org/name == 'web'", types: ['Egress'] }),
      NOT,
    ],
    [
      'serviceAccountSelector by a ServiceAccount label, which is not read',
      np({ serviceAccountSelector: "role == 'x'", types: ['Egress'] }),
      MAY,
    ],
    [
      'unless the selector rules the pod out',
      np({ selector: "app == 'db'", serviceAccountSelector: "role == 'x'", types: ['Egress'] }),
      NOT,
    ],
  ])('%s', (_, p, expected) => {
    expect(codes(p)).toEqual(expected);
  });

  it('needs the namespace read when it selects on namespace labels', () => {
    expect(codes(gnp({ namespaceSelector: "team == 'blue'", types: ['Egress'] }), podA(), null)).toEqual(MAY);
    expect(codes(gnp({ namespaceSelector: "projectcalico.org/name == 'x'", types: ['Egress'] }), podA(), null)).toEqual(
      SELECTS,
    );
  });

  it('says which labels were not read and why', () => {
    const selection = calicoSelection(
      [gnp({ namespaceSelector: "team == 'blue'", serviceAccountSelector: "role == 'x'", types: ['Egress'] })],
      1,
      podA(),
      undefined,
    );
    expect(selection.unknowns[0]!.data).toMatchObject({
      labels: 'pcns.team, pcsa.role',
      why: 'namespace x was not read; ServiceAccounts are not read',
    });
  });
});

describe('policy types (felix policy_sorter.go: none written is Ingress and Egress)', () => {
  it.each([
    ['Egress', { types: ['Egress'] }, SELECTS],
    ['Ingress and Egress', { types: ['Ingress', 'Egress'] }, SELECTS],
    ['Ingress only', { types: ['Ingress'] }, NOT],
    ['none written, as on a CRD written directly', {}, SELECTS],
    ['an empty list', { types: [] }, SELECTS],
    ['a type Calico refuses', { types: ['Sideways'] }, INVALID],
  ])('%s', (_, spec, expected) => {
    expect(codes(np({ selector: 'all()', ...spec }))).toEqual(expected);
  });
});

describe('a policy Calico refuses', () => {
  it.each([
    ['a selector that does not parse', np({ selector: 'app == web', types: ['Egress'] })],
    ['a namespaceSelector that does not parse', gnp({ namespaceSelector: 'team in blue', types: ['Egress'] })],
    ['a serviceAccountSelector that does not parse', gnp({ serviceAccountSelector: '(', types: ['Egress'] })],
    ['a selector that is not a string', np({ selector: { matchLabels: { app: 'web' } }, types: ['Egress'] })],
  ])('%s: whoever it may select is unknown', (_, p) => {
    expect(codes(p)).toEqual(INVALID);
    expect(p.invalid).toBeDefined();
  });

  it('changes nothing when it is about ingress only', () => {
    expect(codes(np({ selector: 'app == web', types: ['Ingress'] }))).toEqual(NOT);
  });
});

describe("a GlobalNetworkPolicy for host endpoints' raw or mangle chains", () => {
  it.each(['doNotTrack', 'preDNAT'])('%s: not worked out where it may select the pod', (field) => {
    expect(codes(gnp({ selector: 'all()', types: ['Egress'], [field]: true }))).toEqual(['CALICO_POLICY_HOST_CHAINS']);
    expect(codes(gnp({ selector: "app == 'db'", types: ['Egress'], [field]: true }))).toEqual(NOT);
  });
});

describe('a hostNetwork pod', () => {
  const host = podA({ hostNetwork: true });
  it('is no workload endpoint: NetworkPolicies do not select it', () => {
    expect(codes(np({ selector: 'all()', types: ['Egress'] }), host)).toEqual(NOT);
  });
  it('may be reached by a GlobalNetworkPolicy through a host endpoint, which is not read', () => {
    expect(codes(gnp({ selector: 'all()', types: ['Egress'] }), host)).toEqual(['CALICO_HOST_ENDPOINT_POLICY']);
  });
});
