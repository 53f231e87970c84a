/**
 * `keyward scan --image FILE.tar|DIR`: a container image as a source. Every file of every layer is a bytes
 * chunk whose origin carries the layer (image tags, digest, created_by, deleted later); archives inside
 * layers (a jar in /app) are opened by the archive expander like archives anywhere. Formats: ./image/.
 */
import { KeywardError } from '../errors.js';
import { ImageFormatError, layerMembers, loadImage, type LoadedImage } from './image/index.js';
import type { SourceDefinition } from './types.js';

export interface ImageSourceOptions {
  /** A `docker save` tarball, or an OCI image layout (a directory or a tar). */
  target: string;
}

export const imageSource: SourceDefinition<ImageSourceOptions> = {
  name: 'image',
  async open({ target }) {
    let loaded: LoadedImage;
    try {
      loaded = await loadImage(target, target);
    } catch (error) {
      if (error instanceof ImageFormatError) throw new KeywardError(error.message, { hint: 'give --image a `docker save` tarball or an OCI image layout (a directory or a tar)' });
      throw error;
    }
    return {
      name: 'image',
      async *chunks(context) {
        for await (const member of layerMembers(loaded, { maxMemberBytes: context.maxFileSize, warn: context.warn })) {
          yield { data: member.data, origin: { path: member.path, layer: member.layer } };
        }
      },
    };
  },
};
