import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 900_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/integration/**',
            'test/e2e/**',
            'test/e2e-cilium/**',
            'test/e2e-policy/**',
            'test/package/**',
          ],
        },
      },
      {
        // One real etcd + kube-apiserver for all integration files, which therefore run one at a time.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
        },
      },
      {
        // The release that `npm run package` made (dist/release/): manifest, archives, the executable.
        extends: true,
        test: { name: 'package', include: ['test/package/**/*.test.ts'] },
      },
      {
        // A real kubelet, containerd and CNI with an outside echo host (test/lab/node-lab.ts).
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
        },
      },
      {
        // A real cilium-agent as the CNI of a node in its own network namespace (test/lab/cilium-lab.ts).
        extends: true,
        test: {
          name: 'e2e-cilium',
          include: ['test/e2e-cilium/**/*.test.ts'],
          fileParallelism: false,
          // After the other projects, so its agent, kubelet and containerd never compete with theirs for the CPUs.
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
        },
      },
      {
        // A real NetworkPolicy enforcer (kube-router) beside the bridge CNI on a node in its own network
        // namespace (test/lab/policy-lab.ts). Its own project, after e2e-cilium, so the two node labs
        // never run at once: each runs a kubelet and containerd on the 2 CPUs.
        extends: true,
        test: {
          name: 'e2e-policy',
          include: ['test/e2e-policy/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 180_000,
        },
      },
    ],
  },
});
