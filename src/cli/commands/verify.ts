/**
 * `kubectl egress verify`: predicted vs observed source IPs, with probe pods calling an echo
 * endpoint outside the cluster. Exit 0 all match, 1 a mismatch, 6 a probe error (kubectl diff style).
 */
import type { Argv } from 'yargs';
import { randomBytes } from 'node:crypto';
import { compare } from '../../engine/compare.ts';
import { predict } from '../../engine/predict.ts';
import { planProbes, probeTwins, RUN_LABEL } from '../../engine/probe-plan.ts';
import { inAnswerOrder, selectPods } from '../../engine/select.ts';
import { runProbes } from '../../probe/run.ts';
import { serialize } from '../../render/serialize.ts';
import { renderVerify, summary, verificationReport } from '../../render/verify-view.ts';
import { EXIT } from '../../errors.ts';
import { resolveDestinations } from '../destinations.ts';
import type { Io } from '../io.ts';
import { connectCluster, loadSnapshot } from '../source.ts';
import { parseTarget } from '../target.ts';
import { toVerifyOptions, verifyFlags, type VerifyArgs } from './verify-options.ts';

export const verifyExamples: [string, string][] = [
  ['$0 verify -n shop --echo http://203.0.113.10:8080/', 'One probe per class of pods in a namespace'],
  ['$0 verify deployment/web --echo http://echo.example.net/ --by pod -o json', 'Every pod of a Deployment, as JSON'],
  ['$0 verify --cleanup -A', 'Delete probe pods left by interrupted runs'],
];

export function verifyBuilder(y: Argv) {
  return verifyFlags(y).example(verifyExamples);
}

export async function verifyCommand(args: VerifyArgs, io: Io): Promise<number> {
  const options = toVerifyOptions(args);
  // The cluster it probes, even when the predictions come from -f files: -n defaults to its context's namespace.
  const cluster = await connectCluster(options.source);
  const { client } = cluster;
  const access = await import('../../cluster/probe-access.ts');
  const namespace = options.selection.allNamespaces
    ? undefined
    : (options.selection.namespace ?? cluster.defaultNamespace);
  if (options.cleanup) {
    const deleted = await access.deleteProbePods(client, namespace, RUN_LABEL);
    io.stdout(
      `deleted ${deleted.length} probe pod${deleted.length === 1 ? '' : 's'}${deleted.map((d) => `\n  ${d}`).join('')}\n`,
    );
    return EXIT.ok;
  }
  const destinations = await resolveDestinations([options.echoHost], io);
  const { snapshot } = await loadSnapshot(options.source, options.selection, io, cluster);
  const target = options.target ? parseTarget(options.target) : undefined;
  const pods = inAnswerOrder(
    selectPods(snapshot, { ...options.selection, namespace, ...(target ? { target } : {}) }).filter(
      (p) => !options.node || p.nodeName === options.node,
    ),
  );
  const query = { ...options.query, destinations: destinations.slice(0, 1), trace: false };
  const plans = probeTwins(snapshot, planProbes(predict(snapshot, pods, query), pods, options.by), pods, query);
  const namespaces = [...new Set(plans.map((p) => p.namespace))].sort();
  await access.checkProbeAccess(client, namespaces);
  const release = io.hold();
  const runId = randomBytes(3).toString('hex');
  const observations = await runProbes(client, plans, {
    runId,
    image: options.image,
    echoURL: options.echoURL,
    timeoutSeconds: options.timeoutSeconds,
    startTimeoutSeconds: options.startTimeoutSeconds,
    settleSeconds: options.settleSeconds,
    parallel: options.parallel,
    keep: options.keep,
    signal: io.signal,
    namespaceUIDs: await access.namespaceUIDs(client, namespaces),
    ...(io.stderrIsTTY
      ? { onProgress: (done: number, total: number) => io.stderr(`\rprobing: ${done}/${total}`) }
      : {}),
  }).finally(release);
  if (io.stderrIsTTY && plans.length > 0) io.stderr('\n');
  if (io.signal.aborted) {
    io.stderr(`interrupted: ${options.keep ? 'kept' : 'deleted'} the probe pods of run ${runId}\n`);
    return EXIT.interrupted;
  }
  const verdicts = plans.map((plan, i) => compare(plan, observations[i]!));
  io.stdout(
    options.output === 'table' ? renderVerify(verdicts) : serialize(verificationReport(verdicts), options.output),
  );
  const counts = summary(verdicts);
  return counts.error > 0 ? EXIT.probeError : counts.mismatch > 0 ? EXIT.findings : EXIT.ok;
}
