/**
 * Cilium's identity labels: the label filter (tables from cilium/cilium pkg/labelsfilter/
 * filter_test.go @e0cc421a, restricted to the k8s source every pod label has), the `labels` option
 * as the agent parses it, and SanitizePodLabels (pkg/k8s/utils/utils.go).
 */
import { describe, expect, it } from 'vitest';
import { parseLabelFilter, parseLabelPrefix } from '../../../src/config/cilium-labels.ts';
import {
  identityLabels,
  labelFilter,
  labelView,
  type LabelView,
} from '../../../src/engine/gateways/cilium-identity.ts';
import { parseCiliumConfig } from '../../../src/config/cilium.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { EngineContext } from '../../../src/engine/core/context.ts';

const keepsWith = (labels?: string) => labelFilter(parseLabelFilter(labels === undefined ? {} : { labels }));

/** The keys of filter_test.go's `allNormalLabels`, plus those its later steps add. */
const UPSTREAM_KEYS = [
  'io.kubernetes.container.hash',
  'io.kubernetes.container.name',
  'io.kubernetes.container.restartCount',
  'io.kubernetes.container.terminationMessagePath',
  'io.kubernetes.pod.name',
  'io.kubernetes.pod.namespace',
  'app.kubernetes.io',
  'kubernetes.io.foo',
  'beta.kubernetes.io.foo',
  'annotation.kubectl.kubernetes.io',
  'annotation.hello',
  'annotation.cilium-identity',
  'io.kubernetes.pod.terminationGracePeriod',
  'io.kubernetes.pod.uid',
  'ioXkubernetes',
  'ignore',
  'ignorE',
  'annotation.kubernetes.io/config.seen',
  'controller-revision-hash',
  'id.lizards',
  'id.lizards.k8s',
  'foo2.lizards.k8s',
  'lizards.foo.lizards.k8s',
];

describe('the identity-label filter', () => {
  it('keeps by default what TestDefaultFilterLabels keeps', () => {
    const keeps = keepsWith();
    expect(UPSTREAM_KEYS.filter(keeps).sort()).toEqual([
      'app.kubernetes.io',
      'foo2.lizards.k8s',
      'id.lizards',
      'id.lizards.k8s',
      'ignorE',
      'ignore',
      'io.kubernetes.pod.namespace',
      'ioXkubernetes',
      'lizards.foo.lizards.k8s',
    ]);
  });

  it('keeps with `:!ignor[eE] id.* foo` what TestFilterLabels keeps (an include makes it a whitelist)', () => {
    const keeps = keepsWith(':!ignor[eE] id.* foo');
    expect(UPSTREAM_KEYS.filter(keeps).sort()).toEqual([
      'app.kubernetes.io',
      'foo2.lizards.k8s',
      'id.lizards',
      'id.lizards.k8s',
      'io.kubernetes.pod.namespace',
    ]);
  });

  it('keeps with the documented include list what TestFilterLabelsDocExample keeps', () => {
    const keeps = keepsWith('k8s:io.kubernetes.pod.namespace k8s:k8s-app k8s:app k8s:name');
    expect(
      [
        'io.cilium.k8s.namespace.labels',
        'k8s-app-team',
        'app-production',
        'name-defined',
        'io.kubernetes.pod.namespace',
        'team',
      ].filter(keeps),
    ).toEqual([
      'io.cilium.k8s.namespace.labels',
      'k8s-app-team',
      'app-production',
      'name-defined',
      'io.kubernetes.pod.namespace',
    ]);
  });

  it.each([
    // The defaults (defaultLabelPrefixCfg).
    ['pod-template-hash', undefined, false],
    ['controller-revision-hash', undefined, false],
    ['pod-template-generation', undefined, false],
    ['statefulset.kubernetes.io/pod-name', undefined, false],
    ['apps.kubernetes.io/pod-index', undefined, false],
    ['batch.kubernetes.io/job-completion-index', undefined, false],
    ['batch.kubernetes.io/controller-uid', undefined, false],
    ['batch.kubernetes.io/job-name', undefined, true],
    ['controller-uid', undefined, false],
    ['job-name', undefined, true],
    ['kubernetes.io/hostname', undefined, false],
    ['topology.kubernetes.io/zone', undefined, true],
    ['node.k8s.io/foo', undefined, true],
    ['k8s.io/foo', undefined, false],
    ['failure-domain.beta.kubernetes.io/zone', undefined, false],
    ['io.kubernetes.pod.namespace', undefined, true],
    ['app.kubernetes.io/name', undefined, true],
    ['io.cilium.k8s.policy.serviceaccount', undefined, true],
    ['io.cilium.k8s.policy.cluster', undefined, true],
    ['io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name', undefined, true],
    ['etcd_node', undefined, false],
    ['app', undefined, true],
    // The labels option: an exclusion leaves the rest; an inclusion keeps only the includes.
    ['job-name', '!job-name', false],
    ['app', '!job-name', true],
    ['app', 'k8s:!app$', false],
    ['application', 'k8s:!app$', true],
    ['app', 'team', false],
    ['team-a', 'team', true],
    ['io.kubernetes.pod.namespace', 'team', true],
    ['io.cilium.k8s.namespace.labels.env', 'team', true],
    ['app.kubernetes.io/name', 'team', true],
    ['io.cilium.k8s.policy.cluster', 'team', true],
    ['io.cilium.k8s.policy.serviceaccount', 'team', false],
    ['io.cilium.k8s.policy.serviceaccount', 'team io\\.cilium\\.k8s\\.policy\\.serviceaccount', true],
    // A longer include beats a shorter ignore ({!foo, foo.bar}), not the other way round.
    ['foo.bar', '!foo foo\\.bar', true],
    ['foo.baz', '!foo foo\\.bar', false],
    ['kubernetes.io/arch', 'kubernetes\\.io/arch', true],
    ['kubernetes.io/os', 'kubernetes\\.io/arch', false],
    // Only patterns of the k8s source (or none) apply to pod labels.
    ['app', 'container:!app', true],
    ['app', '!k8s:app', false],
  ] as [string, string | undefined, boolean][])('%s with labels %j: kept %s', (key, labels, kept) => {
    expect(keepsWith(labels)(key)).toBe(kept);
  });
});

describe('the labels option', () => {
  it.each([
    ['k8s:!foo', { source: 'k8s', pattern: 'foo', ignore: true }],
    ['!k8s:foo', { source: '!k8s', pattern: 'foo', ignore: false }],
    [':!ignor[eE]', { source: '', pattern: 'ignor[eE]', ignore: true }],
    ['kind$', { source: '', pattern: 'kind$', ignore: false }],
  ])('%s parses as parseLabelPrefix splits it', (text, expected) => {
    expect(parseLabelPrefix(text)).toEqual(expected);
  });

  it.each([
    ['k8s:', 'invalid label source'],
    ['(?i)app', 'not modelled'],
    ['\\pLapp', 'not modelled'],
    ['k8s:[[:alpha:]]', 'not modelled'],
    ['(a)\\1', 'not modelled'],
    ['app(', 'not modelled'],
  ])('%s leaves the filter unmodelled', (labels, why) => {
    expect(parseLabelFilter({ labels }).unmodelled).toContain(why);
  });

  it('splits on any whitespace and is unmodelled with a label-prefix-file', () => {
    expect(parseLabelFilter({ labels: ' a\n\t!b ' }).prefixes.slice(-2)).toEqual([
      { source: '', pattern: 'a', ignore: false },
      { source: '', pattern: 'b', ignore: true },
    ]);
    expect(parseLabelFilter({ 'label-prefix-file': '/etc/labels.json' }).unmodelled).toContain('label-prefix-file');
    expect(parseLabelFilter({ 'enable-dynamic-label-filter': 'true' }).unmodelled).toContain('network policies');
    expect(parseLabelFilter({ 'enable-dynamic-label-filter': 'false' }).unmodelled).toBeUndefined();
  });
});

describe('identity labels (SanitizePodLabels, then the filter)', () => {
  const view = (clusterName = 'default', labels?: string): LabelView => {
    const keeps = keepsWith(labels);
    return { clusterName, keeps, keepsBefore: keeps, changedIn: () => undefined, unmodelled: undefined };
  };

  it('adds namespace, namespace labels, service account and cluster; drops filtered and io.cilium.k8s* pod labels', () => {
    const labels = {
      app: 'web',
      'pod-template-hash': 'abc',
      'io.cilium.k8s.policy.serviceaccount': 'admin',
      'io.cilium.k8s.policy.cluster': 'other',
      'io.cilium.k8s.namespace.labels.env': 'prod',
      'io.cilium.k8s.custom': 'x',
      'io.kubernetes.pod.namespace': 'kube-system',
    };
    expect(
      identityLabels(
        { namespace: 'shop', labels, serviceAccount: 'robot' },
        { env: 'dev', 'kubernetes.io/metadata.name': 'shop' },
        view('east'),
      ),
    ).toEqual({
      app: 'web',
      'io.cilium.k8s.namespace.labels.env': 'dev',
      'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name': 'shop',
      'io.kubernetes.pod.namespace': 'shop',
      'io.cilium.k8s.policy.serviceaccount': 'robot',
      'io.cilium.k8s.policy.cluster': 'east',
    });
  });

  it('passes only the included labels through a whitelist', () => {
    expect(
      identityLabels(
        { namespace: 'shop', labels: { app: 'web', team: 'a' }, serviceAccount: 'robot' },
        {},
        view('default', 'team'),
      ),
    ).toEqual({
      team: 'a',
      'io.kubernetes.pod.namespace': 'shop',
      'io.cilium.k8s.policy.cluster': 'default',
    });
  });

  it('never changes the shared pod label map', () => {
    const labels = Object.freeze({ app: 'web', 'io.cilium.k8s.policy.serviceaccount': 'admin' });
    identityLabels({ namespace: 'shop', labels, serviceAccount: 'robot' }, {}, view());
    expect(labels).toEqual({ app: 'web', 'io.cilium.k8s.policy.serviceaccount': 'admin' });
  });
});

describe('labels whose keeping changed across releases', () => {
  const viewOf = (data: Record<string, string>) => {
    const config = parseCiliumConfig(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config', namespace: 'kube-system' }, data },
      'kube-system',
    );
    const snapshot = buildSnapshot([]);
    return new EngineContext(snapshot, { destinations: [] }).of(labelView, config);
  };

  it.each([
    ['statefulset.kubernetes.io/pod-name', {}, '1.15'],
    ['apps.kubernetes.io/pod-index', {}, '1.15'],
    ['batch.kubernetes.io/job-completion-index', {}, '1.15'],
    ['controller-uid', {}, '1.16'],
    ['batch.kubernetes.io/controller-uid', {}, '1.16'],
    ['pod-template-hash', {}, undefined],
    ['app', {}, undefined],
    ['io.cilium.k8s.policy.cluster', {}, undefined],
    ['io.cilium.k8s.policy.cluster', { labels: 'team' }, '1.16'],
    ['controller-uid', { labels: '!controller-uid' }, undefined],
    ['statefulset.kubernetes.io/pod-name', { labels: 'team' }, undefined],
  ] as [string, Record<string, string>, string | undefined][])('%s with %j: changed in %s', (key, data, since) => {
    expect(viewOf(data).changedIn(key)).toBe(since);
  });

  it('reads cluster-name, default `default`', () => {
    expect(viewOf({}).clusterName).toBe('default');
    expect(viewOf({ 'cluster-name': 'east' }).clusterName).toBe('east');
  });
});
