/**
 * Single-layer OCI image archives built from a directory, for `ctr images import` — the lab has
 * no registry to pull from. The image name travels in the io.containerd.image.name annotation.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageSpec {
  name: string;
  rootfs: string;
  entrypoint: string[];
}

function blob(dir: string, content: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(content).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), content);
  return { digest: `sha256:${hex}`, size: content.length };
}

/** Writes `<work>/<safe name>.tar` and returns its path. */
export function buildImage(work: string, spec: ImageSpec): string {
  const dir = join(work, `image-${spec.name.replace(/[^a-z0-9]+/gi, '-')}`);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const layerTar = join(work, `${dir.split('/').pop()}-layer.tar`);
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', spec.rootfs, '-cf', layerTar, '.']);
  const layerBytes = readFileSync(layerTar);
  const layer = blob(dir, layerBytes);
  const config = blob(
    dir,
    Buffer.from(
      JSON.stringify({
        architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
        os: 'linux',
        config: { Entrypoint: spec.entrypoint, WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = blob(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: {
            'io.containerd.image.name': spec.name,
            'org.opencontainers.image.ref.name': spec.name.split(':').pop(),
          },
        },
      ],
    }),
  );
  const archive = `${dir}.tar`;
  execFileSync('tar', ['-C', dir, '-cf', archive, '.']);
  return archive;
}
