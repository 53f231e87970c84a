import type { ImageFiles } from './files.js';

/** One layer of one image, as the manifests describe it, before it is read. */
export interface LayerRef {
  /** Where the blob is inside the image. */
  blob: string;
  /** `sha256:…`: the blob's digest (OCI), else the layer's diff_id from the config. */
  digest: string;
  /** 0 for the base layer. */
  index: number;
  createdBy: string | undefined;
}

export interface ImageRef {
  /** `app:1.2` (all tags of the image, comma-separated), or the manifest digest when it has none. */
  name: string;
  layers: LayerRef[];
}

/** The image is not what it says it is: names the file and the field. */
export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFormatError';
  }
}

/**
 * The images in a `docker save` tarball (manifest.json) or an OCI image layout (oci-layout, index.json).
 * `docker save` of recent Docker writes both; manifest.json is read first because it carries RepoTags.
 */
export async function readImages(files: ImageFiles, label: string): Promise<ImageRef[]> {
  const manifest = await files.read('manifest.json');
  if (manifest !== undefined) return dockerImages(files, label, parseJson(manifest, `${label}!manifest.json`));
  const index = await files.read('index.json');
  if (index !== undefined && (await files.has('oci-layout'))) return ociImages(files, label, parseJson(index, `${label}!index.json`));
  throw new ImageFormatError(`${label} is neither a docker save tarball (no manifest.json) nor an OCI image layout (no oci-layout and index.json)`);
}

async function dockerImages(files: ImageFiles, label: string, manifest: unknown): Promise<ImageRef[]> {
  if (!Array.isArray(manifest)) throw new ImageFormatError(`${label}!manifest.json: expected an array of images`);
  const images: ImageRef[] = [];
  for (const [i, item] of manifest.entries()) {
    const where = `${label}!manifest.json[${i}]`;
    const entry = record(item, where);
    const layers = entry['Layers'];
    if (!Array.isArray(layers) || !layers.every((layer) => typeof layer === 'string')) throw new ImageFormatError(`${where}.Layers: expected a list of paths`);
    const tags = Array.isArray(entry['RepoTags']) ? entry['RepoTags'].filter((tag): tag is string => typeof tag === 'string') : [];
    const config = typeof entry['Config'] === 'string' ? await readConfig(files, entry['Config'], label) : undefined;
    images.push({
      name: tags.length > 0 ? tags.join(', ') : typeof entry['Config'] === 'string' ? digestOfPath(entry['Config']) ?? entry['Config'] : `image ${i}`,
      layers: layers.map((blob, index) => ({
        blob,
        digest: digestOfPath(blob) ?? config?.diffIds[index] ?? blob,
        index,
        createdBy: config?.createdBy[index],
      })),
    });
  }
  return images;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

async function ociImages(files: ImageFiles, label: string, index: unknown, seen = new Set<string>()): Promise<ImageRef[]> {
  const images: ImageRef[] = [];
  const manifests = record(index, `${label}!index.json`)['manifests'];
  if (!Array.isArray(manifests)) throw new ImageFormatError(`${label}!index.json: expected a manifests list`);
  for (const [i, item] of manifests.entries()) {
    const descriptor = record(item, `${label}!index.json.manifests[${i}]`);
    const digest = descriptorDigest(descriptor, `${label}!index.json.manifests[${i}]`);
    if (seen.has(digest)) continue;
    seen.add(digest);
    const path = blobPath(digest);
    const body = await files.read(path);
    if (body === undefined) throw new ImageFormatError(`${label}: manifest ${digest} is missing (${path})`);
    const manifest = record(parseJson(body, `${label}!${path}`), `${label}!${path}`);
    const mediaType = String(manifest['mediaType'] ?? descriptor['mediaType'] ?? '');
    if (INDEX_TYPES.has(mediaType) || (Array.isArray(manifest['manifests']) && manifest['layers'] === undefined)) {
      images.push(...(await ociImages(files, label, manifest, seen)));
      continue;
    }
    const annotations = (descriptor['annotations'] ?? {}) as Record<string, unknown>;
    const tag = annotations['io.containerd.image.name'] ?? annotations['org.opencontainers.image.ref.name'];
    const configDigest = descriptorDigest(record(manifest['config'], `${label}!${path}.config`), `${label}!${path}.config`);
    const config = await readConfig(files, blobPath(configDigest), label);
    const layers = manifest['layers'];
    if (!Array.isArray(layers)) throw new ImageFormatError(`${label}!${path}.layers: expected a list`);
    images.push({
      name: typeof tag === 'string' ? tag : digest,
      layers: layers.map((layer, index) => {
        const layerDigest = descriptorDigest(record(layer, `${label}!${path}.layers[${index}]`), `${label}!${path}.layers[${index}]`);
        return { blob: blobPath(layerDigest), digest: layerDigest, index, createdBy: config.createdBy[index] };
      }),
    });
  }
  return images;
}

interface ConfigFacts {
  diffIds: string[];
  /** One entry per layer: history lines marked `empty_layer` made no layer and are left out. */
  createdBy: (string | undefined)[];
}

async function readConfig(files: ImageFiles, path: string, label: string): Promise<ConfigFacts> {
  const body = await files.read(path);
  if (body === undefined) return { diffIds: [], createdBy: [] };
  const config = record(parseJson(body, `${label}!${path}`), `${label}!${path}`);
  const rootfs = (config['rootfs'] ?? {}) as Record<string, unknown>;
  const diffIds = Array.isArray(rootfs['diff_ids']) ? rootfs['diff_ids'].map(String) : [];
  const history = Array.isArray(config['history']) ? config['history'] : [];
  const createdBy = history
    .filter((step) => typeof step === 'object' && step !== null && (step as Record<string, unknown>)['empty_layer'] !== true)
    .map((step) => {
      const line = (step as Record<string, unknown>)['created_by'];
      return typeof line === 'string' ? line : undefined;
    });
  return { diffIds, createdBy };
}

function descriptorDigest(descriptor: Record<string, unknown>, where: string): string {
  const digest = descriptor['digest'];
  if (typeof digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
    throw new ImageFormatError(`${where}.digest: expected an algorithm:hex digest, got ${JSON.stringify(digest)}`);
  }
  return digest;
}

/** `blobs/sha256/ab…`: where an OCI layout keeps a digest's bytes. */
function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return `blobs/${algorithm}/${hex}`;
}

function digestOfPath(path: string): string | undefined {
  const match = /(?:^|\/)blobs\/([a-z0-9]+)\/([a-f0-9]{32,})$/.exec(path);
  return match === null ? undefined : `${match[1]}:${match[2]}`;
}

function parseJson(body: Buffer, where: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ImageFormatError(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ImageFormatError(`${where}: expected an object`);
  return value as Record<string, unknown>;
}
