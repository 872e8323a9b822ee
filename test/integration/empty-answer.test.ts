/**
 * `who` with no pod to answer for, against a real kube-apiserver: a namespace that does not exist
 * is named as such (the live read lists Namespaces), one that exists says it has no pods; exit 0,
 * as `kubectl get pods -n nosuch`.
 */
import { describe, expect, inject, it } from 'vitest';
import { writeKubeconfig } from '../support/lab.ts';
import { runPlugin } from '../support/plugin.ts';

const lab = inject('lab');

describe('who with no pods in a live cluster', () => {
  it('says a namespace does not exist', async () => {
    const result = await runPlugin([
      'who',
      '--kubeconfig',
      writeKubeconfig(lab, 'admin'),
      '-n',
      'nosuch',
      '--to',
      '10.0.0.1',
    ]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'No pods found: namespace "nosuch" does not exist.\n' });
  });

  it('says an existing namespace has no pods', async () => {
    const result = await runPlugin([
      'who',
      '--kubeconfig',
      writeKubeconfig(lab, 'admin'),
      '-n',
      'kube-public',
      '--to',
      '10.0.0.1',
    ]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'No pods found in namespace "kube-public".\n' });
  });
});
