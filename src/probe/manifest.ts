/**
 * The probe pod (design §6): pinned to the node, wearing the labels policies select on
 * (engine/probe-plan.ts probeLabels) and running as the pod's service account, never Ready (so no Service routes to it), no service account
 * token, Pod Security `restricted`, a deadline, small resources, and the run id that `--cleanup`
 * finds it by.
 */
import { probeLabels } from '../engine/probe-plan.ts';
import type { KubeObject } from '../model/objects.ts';
import type { ProbePlan } from '../model/verification.ts';

export const PROBE_CONTAINER = 'probe';

export interface ProbeOptions {
  runId: string;
  index: number;
  image: string;
  echoURL: string;
  timeoutSeconds: number;
  /**
   * How long the started probe waits before it calls: enforcers such as kube-router program a new
   * pod's rules a moment after it starts (its first packets got out in the lab), and so do egress
   * agents (Antrea's Egress flows). A probe that called at once would report what the pod never sees.
   */
  settleSeconds: number;
  /** The namespace's uid: a controller owner reference to it keeps ReplicaSets and DaemonSets from adopting the probe. */
  namespaceUID?: string;
}

export function probeName(runId: string, index: number): string {
  return `egress-probe-${runId}-${index}`;
}

export function buildProbePod(plan: ProbePlan, options: ProbeOptions): KubeObject {
  const metadata = {
    name: probeName(options.runId, options.index),
    namespace: plan.namespace,
    labels: probeLabels(plan.labels, options.runId),
    annotations: { ...plan.annotations, 'kubectl-egress.io/probes-for': `${plan.namespace}/${plan.pod}` },
    ...(options.namespaceUID
      ? {
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Namespace',
              name: plan.namespace,
              uid: options.namespaceUID,
              controller: true,
              blockOwnerDeletion: false,
            },
          ],
        }
      : {}),
  };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: probeSpec(plan, options) };
}

/**
 * wget with a network timeout. Not every wget has `-T` (Debian's busybox-static 1.35 lacks it and
 * crashes on it), so the help text decides; without it, `timeout` bounds the whole request. Every
 * failure ends with a `wget:` line on stderr, which is how the runner tells "no answer" from a
 * probe that could not run (src/probe/run.ts).
 */
export function probeScript(timeoutSeconds: number, settleSeconds = 0): string {
  return [
    ...(settleSeconds > 0 ? [`sleep ${settleSeconds}`] : []),
    'case "$(wget --help 2>&1)" in',
    `  *'-T '*|*'-T,'*) wget -q -O - -T ${timeoutSeconds} "$ECHO_URL" ;;`,
    `  *) timeout ${timeoutSeconds} wget -q -O - "$ECHO_URL" || { status=$?; echo "wget: $ECHO_URL failed or gave no answer within ${timeoutSeconds}s (exit $status)" >&2; exit $status; } ;;`,
    'esac',
  ].join('\n');
}

function probeSpec(plan: ProbePlan, options: ProbeOptions): Record<string, unknown> {
  const script = probeScript(options.timeoutSeconds, options.settleSeconds);
  return {
    nodeName: plan.node,
    // The pod's own service account, which Cilium's identity and Calico's selectors carry; its token stays unmounted.
    serviceAccountName: plan.serviceAccount,
    restartPolicy: 'Never',
    activeDeadlineSeconds: options.settleSeconds + options.timeoutSeconds + 60,
    terminationGracePeriodSeconds: 1,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // The probe must run on its node even where taints would keep other pods off.
    tolerations: [{ operator: 'Exists' }],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: PROBE_CONTAINER,
        image: options.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', script],
        env: [{ name: 'ECHO_URL', value: options.echoURL }],
        readinessProbe: { exec: { command: ['false'] }, periodSeconds: 3600 },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
  };
}
