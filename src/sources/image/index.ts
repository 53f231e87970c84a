/**
 * Container images as members: a `docker save` tarball or an OCI image layout (a directory or a tar). Every
 * layer is read once (by digest, even when several images share it), and every file in it is a member whose
 * origin names the image, the layer digest, the `created_by` line that made the layer, and whether a later
 * layer deleted it (a whiteout): a file deleted later is still in the image, so it is still reported.
 *
 * Layers are read from the top of the stack down, so the whiteouts of every later layer are known before a
 * lower layer's files are named: one pass over each layer, nothing held back.
 */
import { stat } from 'node:fs/promises';
import type { LayerInfo } from '../../engine/finding.js';
import { CorruptArchive } from '../archive/members.js';
import { directoryFiles, tarFiles, type ImageFiles } from './files.js';
import { addWhiteouts, deletedBy, emptyWhiteouts, IMAGE_LIMITS, layerContext, layerEntries, LimitHit, whiteoutOf, type Whiteouts } from './layers.js';
import { ImageFormatError, readImages, type ImageRef } from './manifest.js';

export { ImageFormatError } from './manifest.js';

export interface ImageMember {
  /** `<image label>!<layer digest>!<path in the layer>`. */
  path: string;
  data: Buffer;
  layer: LayerInfo;
}

export interface ImageOptions {
  maxMemberBytes: number;
  warn(message: string): void;
}

export async function openImage(target: string, label: string): Promise<ImageFiles> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new ImageFormatError(`${label}: no such file or directory`);
  }
  if (info.isDirectory()) return directoryFiles(target);
  try {
    return await tarFiles(target);
  } catch (error) {
    throw new ImageFormatError(`${label}: not a tar file (${error instanceof Error ? error.message : String(error)})`);
  }
}

export interface LoadedImage {
  label: string;
  files: ImageFiles;
  images: ImageRef[];
}

/** Reads the manifests (and indexes a tar) up front, so a bad input is an error before anything is scanned. */
export async function loadImage(target: string, label: string): Promise<LoadedImage> {
  const files = await openImage(target, label);
  return { label, files, images: await readImages(files, label) };
}

/** Every file of every layer of every image in `target`. Throws ImageFormatError for an input that is no image. */
export async function* imageMembers(target: string, label: string, options: ImageOptions): AsyncGenerator<ImageMember> {
  yield* layerMembers(await loadImage(target, label), options);
}

export async function* layerMembers(loaded: LoadedImage, options: ImageOptions): AsyncGenerator<ImageMember> {
  const { files, images, label } = loaded;
  const limits = { ...IMAGE_LIMITS, maxMemberBytes: options.maxMemberBytes };
  const read = new Map<string, Whiteouts>();
  for (const image of images) {
    const later = emptyWhiteouts();
    for (let i = image.layers.length - 1; i >= 0; i--) {
      const layer = image.layers[i]!;
      const known = read.get(layer.digest);
      if (known !== undefined) {
        addWhiteouts(later, known);
        continue;
      }
      const own = emptyWhiteouts();
      read.set(layer.digest, own);
      const where = `${label}!${layer.digest}`;
      let tooLarge = 0;
      const context = layerContext(where, limits, options.warn, () => tooLarge++);
      try {
        for await (const entry of layerEntries(files, layer.blob, context)) {
          const whiteout = whiteoutOf(entry.name);
          if (whiteout !== undefined) {
            if ('deleted' in whiteout) own.deleted.add(whiteout.deleted);
            else own.opaque.add(whiteout.opaque);
            continue;
          }
          if (entry.data === undefined) continue;
          yield {
            path: `${where}!${entry.name}`,
            data: entry.data,
            layer: {
              image: image.name,
              digest: layer.digest,
              index: layer.index,
              ...(layer.createdBy === undefined ? {} : { createdBy: layer.createdBy }),
              deleted: deletedBy(entry.name, later),
            },
          };
        }
      } catch (error) {
        if (!(error instanceof CorruptArchive || error instanceof LimitHit)) throw error;
        options.warn(error.message);
      }
      if (tooLarge > 0) options.warn(`skipped ${tooLarge} file(s) in ${where} (${image.name} layer ${layer.index}): each larger than the --max-file-size limit`);
      addWhiteouts(later, own);
    }
  }
}
