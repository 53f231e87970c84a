import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deletedBy, emptyWhiteouts, whiteoutOf } from '../../src/sources/image/layers.js';
import { imageMembers, type ImageMember } from '../../src/sources/image/index.js';
import { tempDir } from '../helpers.js';
import { makeDockerSave, makeOciLayout, type LayerSpec } from './build.js';

const ENV = 'DB_PASSWORD=FAKE-image-password\n';

const SPECS: LayerSpec[] = [
  { createdBy: 'COPY app/ /app/ # buildkit', files: [{ name: 'app/', type: 'directory' }, { name: 'app/.env', data: ENV }, { name: 'app/main.js', data: 'console.log(1)\n' }] },
  { createdBy: 'RUN /bin/sh -c rm /app/.env # buildkit', files: [{ name: 'app/.wh..env', data: '' }, { name: 'app/extra.txt', data: 'extra\n' }] },
];

async function collect(target: string, label: string) {
  const warnings: string[] = [];
  const members: ImageMember[] = [];
  for await (const member of imageMembers(target, label, { maxMemberBytes: 1 << 20, warn: (message) => warnings.push(message) })) members.push(member);
  return { members, warnings };
}

describe('whiteouts', () => {
  it('reads plain and opaque whiteouts and applies them to paths below', () => {
    expect(whiteoutOf('app/.wh..env')).toEqual({ deleted: 'app/.env' });
    expect(whiteoutOf('.wh.etc')).toEqual({ deleted: 'etc' });
    expect(whiteoutOf('var/cache/.wh..wh..opq')).toEqual({ opaque: 'var/cache' });
    expect(whiteoutOf('app/.whale')).toBeUndefined();
    const later = emptyWhiteouts();
    later.deleted.add('etc');
    later.opaque.add('var/cache');
    expect(deletedBy('etc/passwd', later)).toBe(true);
    expect(deletedBy('etc', later)).toBe(true);
    expect(deletedBy('var/cache/x/y', later)).toBe(true);
    expect(deletedBy('var/cache', later)).toBe(false);
    expect(deletedBy('etcetera/x', later)).toBe(false);
  });
});

describe('imageMembers', () => {
  it('reads a docker save tarball: tag, layer digest, created_by past an empty layer, deleted later', async () => {
    const dir = tempDir();
    const { tar, layers } = await makeDockerSave(SPECS);
    writeFileSync(join(dir, 'x.tar'), tar);
    const { members, warnings } = await collect(join(dir, 'x.tar'), 'x.tar');
    expect(warnings).toEqual([]);
    const env = members.find((member) => member.path.endsWith('!app/.env'));
    expect(env?.path).toBe(`x.tar!${layers[0]!.diffId}!app/.env`);
    expect(env?.data.toString()).toBe(ENV);
    expect(env?.layer).toEqual({ image: 'keyward-test/app:1.0', digest: layers[0]!.diffId, index: 0, createdBy: 'COPY app/ /app/ # buildkit', deleted: true });
    const main = members.find((member) => member.path.endsWith('!app/main.js'));
    expect(main?.layer.deleted).toBe(false);
    const extra = members.find((member) => member.path.endsWith('!app/extra.txt'));
    expect(extra?.layer).toMatchObject({ index: 1, createdBy: 'RUN /bin/sh -c rm /app/.env # buildkit', deleted: false });
    expect(members.some((member) => member.path.includes('.wh.'))).toBe(false);
  });

  it('reads an OCI layout directory with gzip layers the same way', async () => {
    const dir = tempDir();
    const { layerDigests } = await makeOciLayout(dir, SPECS);
    const { members, warnings } = await collect(dir, 'oci');
    expect(warnings).toEqual([]);
    const env = members.find((member) => member.path.endsWith('!app/.env'));
    expect(env?.layer).toEqual({ image: 'keyward-test/oci:2.0', digest: layerDigests[0], index: 0, createdBy: 'COPY app/ /app/ # buildkit', deleted: true });
  });

  it('says what is wrong with a tar that is no image', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.txt'), 'hello');
    await expect(collect(join(dir, 'plain.txt'), 'plain.txt')).rejects.toThrow(/^plain\.txt: not a tar file/);
    await expect(collect(dir, 'folder')).rejects.toThrow('folder is neither a docker save tarball (no manifest.json) nor an OCI image layout (no oci-layout and index.json)');
  });
});
