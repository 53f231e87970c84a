/** Container images assembled at test time: `docker save` tarballs and OCI layouts, layers made with tar-stream. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar, type Entry } from '../archive/build.js';

export interface LayerSpec {
  files: Entry[];
  createdBy: string;
}

export interface BuiltLayer {
  tar: Buffer;
  diffId: string;
}

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function layersOf(specs: LayerSpec[]): Promise<BuiltLayer[]> {
  return Promise.all(specs.map(async (spec) => {
    const tar = await makeTar(spec.files);
    return { tar, diffId: sha(tar) };
  }));
}

function configOf(layers: BuiltLayer[], specs: LayerSpec[]): Buffer {
  // An ENV step makes no layer: created_by lines must be matched to layers past it.
  const history = [
    { created_by: '/bin/sh -c #(nop)  ENV APP_MODE=test', empty_layer: true },
    ...specs.map((spec) => ({ created_by: spec.createdBy })),
  ];
  return Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) }, history }));
}

/** A classic `docker save` tarball: manifest.json, <id>.json config, <id>/layer.tar per layer. */
export async function makeDockerSave(specs: LayerSpec[], tag = 'keyward-test/app:1.0'): Promise<{ tar: Buffer; layers: BuiltLayer[] }> {
  const layers = await layersOf(specs);
  const config = configOf(layers, specs);
  const configName = `${sha(config).slice(7)}.json`;
  const layerPaths = layers.map((layer) => `${layer.diffId.slice(7, 19)}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: [tag], Layers: layerPaths }];
  const tar = await makeTar([
    ...layers.map((layer, i) => ({ name: layerPaths[i]!, data: layer.tar })),
    { name: configName, data: config },
    { name: 'manifest.json', data: JSON.stringify(manifest) },
  ]);
  return { tar, layers };
}

/** An OCI image layout in a directory: oci-layout, index.json, blobs/sha256/… with gzip layers. */
export async function makeOciLayout(dir: string, specs: LayerSpec[], tag = 'keyward-test/oci:2.0'): Promise<{ layerDigests: string[] }> {
  const layers = await layersOf(specs);
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    const digest = sha(data);
    writeFileSync(join(blobs, digest.slice(7)), data);
    return { digest, size: data.length };
  };
  const compressed = layers.map((layer) => put(gzipSync(layer.tar)));
  const config = put(configOf(layers, specs));
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: compressed.map((blob) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...blob })),
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { layerDigests: compressed.map((blob) => blob.digest) };
}
