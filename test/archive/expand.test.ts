import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat, hasArchiveExtension, strippedName } from '../../src/sources/archive/detect.js';
import { expandArchive, type ExpandedMember, type ExpandOptions } from '../../src/sources/archive/expand.js';
import { ScanBudget } from '../../src/sources/archive/limits.js';
import type { ArchiveInput } from '../../src/sources/archive/read.js';
import { tempDir } from '../helpers.js';
import { bzip2, makeTar, makeTarGz, makeZeroBomb, makeZip } from './build.js';

const ENV = 'API_TOKEN=FAKE-not-a-real-token\n';

async function expand(input: ArchiveInput, path: string, options: Partial<ExpandOptions> = {}) {
  const warnings: string[] = [];
  const members: ExpandedMember[] = [];
  const generator = expandArchive(input, path, { warn: (message) => warnings.push(message), ...options });
  let next = await generator.next();
  while (!next.done) {
    members.push(next.value);
    next = await generator.next();
  }
  return { members, warnings, isArchive: next.value, paths: members.map((member) => member.path) };
}

describe('archive formats by magic bytes', () => {
  it('knows each format from its first bytes, whatever the name', async () => {
    expect(detectFormat(await makeZip([{ name: 'a', data: 'x' }]))).toBe('zip');
    expect(detectFormat(await makeZip([]))).toBe('zip');
    expect(detectFormat(await makeTar([{ name: 'a', data: 'x' }]))).toBe('tar');
    expect(detectFormat(gzipSync('x'))).toBe('gzip');
    expect(detectFormat(bzip2(Buffer.from('x')))).toBe('bzip2');
  });

  it('does not take text for an archive, even text that starts like one or is 512 bytes long', () => {
    expect(detectFormat(Buffer.from('PK is the first two letters here'))).toBeUndefined();
    expect(detectFormat(Buffer.from('BZh no digit'))).toBeUndefined();
    expect(detectFormat(Buffer.from('x'.repeat(257) + 'ustar' + 'y'.repeat(250)))).toBeUndefined();
    expect(detectFormat(Buffer.from('a'.repeat(512)))).toBeUndefined();
  });

  it('names the member of a single compressed file after the file', () => {
    expect(strippedName('logs/app.log.gz')).toBe('app.log');
    expect(strippedName('dump.sql.bz2')).toBe('dump.sql');
    expect(strippedName('site.tgz')).toBe('site.tar');
    expect(hasArchiveExtension('build/app.JAR')).toBe(true);
    expect(hasArchiveExtension('pkg/tool.whl')).toBe(true);
    expect(hasArchiveExtension('src/zip.ts')).toBe(false);
  });
});

describe('expandArchive', () => {
  it('reads a .env inside a tar.gz inside a zip and names the whole way in', async () => {
    const inner = await makeTarGz([{ name: 'deploy/', type: 'directory' }, { name: 'deploy/.env', data: ENV }]);
    const outer = await makeZip([{ name: 'bundle/config.tar.gz', data: inner }, { name: 'README', data: 'hello' }]);
    const { members, warnings } = await expand({ data: outer }, 'release.zip');
    expect(warnings).toEqual([]);
    expect(members.map((member) => [member.path, member.data.toString()])).toEqual([
      ['release.zip!bundle/config.tar.gz!deploy/.env', ENV],
      ['release.zip!README', 'hello'],
    ]);
  });

  it('reads from a file as well as from memory, jar and tar.bz2 and plain .gz alike', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lib.jar'), await makeZip([{ name: 'META-INF/app.properties', data: ENV }]));
    writeFileSync(join(dir, 'site.tar.bz2'), bzip2(await makeTar([{ name: './etc/app.conf', data: ENV }])));
    writeFileSync(join(dir, 'app.log.gz'), gzipSync(ENV));
    expect((await expand({ file: join(dir, 'lib.jar') }, 'lib.jar')).paths).toEqual(['lib.jar!META-INF/app.properties']);
    expect((await expand({ file: join(dir, 'site.tar.bz2') }, 'site.tar.bz2')).paths).toEqual(['site.tar.bz2!etc/app.conf']);
    const log = await expand({ file: join(dir, 'app.log.gz') }, 'app.log.gz');
    expect(log.members.map((member) => [member.path, member.data.toString()])).toEqual([['app.log.gz!app.log', ENV]]);
  });

  it('says a file is no archive and yields nothing', async () => {
    const result = await expand({ data: Buffer.from(ENV) }, 'notes.zip');
    expect(result).toMatchObject({ isArchive: false, members: [], warnings: [] });
  });

  it('stops at the nesting depth with a warning naming the archive it did not open', async () => {
    const level3 = await makeZip([{ name: 'deep.txt', data: ENV }]);
    const level2 = await makeZip([{ name: 'c.zip', data: level3 }]);
    const level1 = await makeZip([{ name: 'b.zip', data: level2 }, { name: 'top.txt', data: ENV }]);
    const two = await expand({ data: level1 }, 'a.zip');
    expect(two.paths).toEqual(['a.zip!top.txt']);
    expect(two.warnings).toEqual(['not opened a.zip!b.zip!c.zip: archives nest deeper than 2 (--archive-depth)']);
    const three = await expand({ data: level1 }, 'a.zip', { limits: { maxDepth: 3 } });
    expect(three.paths).toEqual(['a.zip!b.zip!c.zip!deep.txt', 'a.zip!top.txt']);
  });

  it('cuts a deflate bomb by its ratio after about a megabyte, whatever its header declares', async () => {
    const bomb = await makeZeroBomb(64 * 1024 * 1024);
    const { members, warnings } = await expand({ data: bomb }, 'bomb.zip', { limits: { maxMemberBytes: 1 << 30 } });
    expect(members).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^stopped reading bomb\.zip!zeros\.bin: it inflates more than 200 times its compressed size/);
  });

  it('skips a member over the size limit, and keeps the members after it', async () => {
    const zip = await makeZip([{ name: 'big.txt', data: 'a'.repeat(5000) }, { name: 'small.env', data: ENV }]);
    const result = await expand({ data: zip }, 'x.zip', { limits: { maxMemberBytes: 1000 } });
    expect(result.paths).toEqual(['x.zip!small.env']);
    expect(result.warnings).toEqual(['skipped x.zip!big.txt: larger than 1.0 KB once decompressed (--max-file-size)']);
    const tar = await makeTarGz([{ name: 'big.txt', data: 'a'.repeat(5000) }, { name: 'small.env', data: ENV }]);
    const fromTar = await expand({ data: tar }, 'x.tgz', { limits: { maxMemberBytes: 1000 } });
    expect(fromTar.paths).toEqual(['x.tgz!small.env']);
    expect(fromTar.warnings).toEqual(['skipped x.tgz!big.txt: larger than 1.0 KB once decompressed (--max-file-size)']);
  });

  it('stops an archive at its byte budget and the scan at its own, with one warning each', async () => {
    const members = Array.from({ length: 10 }, (_, i) => ({ name: `part-${i}.txt`, data: String(i).repeat(1000) }));
    const zip = await makeZip(members);
    const one = await expand({ data: zip }, 'parts.zip', { limits: { maxArchiveBytes: 3500 } });
    expect(one.paths).toEqual(['parts.zip!part-0.txt', 'parts.zip!part-1.txt', 'parts.zip!part-2.txt']);
    expect(one.warnings).toEqual([
      'stopped reading parts.zip at parts.zip!part-3.txt: it decompressed to more than 3.4 KB (the limit for one archive); the rest was not scanned',
    ]);
    const budget = new ScanBudget(5500);
    const first = await expand({ data: zip }, 'first.zip', { budget });
    const second = await expand({ data: zip }, 'second.zip', { budget });
    expect(first.paths).toHaveLength(5);
    expect(first.warnings[0]).toMatch(/^stopped reading first\.zip!part-5\.txt: archives in this scan decompressed to more than 5\.4 KB/);
    expect(second.paths).toEqual([]);
    expect(second.warnings).toEqual(['skipped second.zip: archives in this scan already decompressed to 5.4 KB (the limit for one scan)']);
  });

  it('stops after the entry limit and says how many entries were left', async () => {
    const zip = await makeZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    const result = await expand({ data: zip }, 'many.zip', { limits: { maxEntries: 10 } });
    expect(result.paths).toHaveLength(10);
    expect(result.warnings).toEqual(['stopped reading many.zip after 10 entries (the limit for one archive); 20 more were not scanned']);
  });

  it('warns about a corrupt archive and keeps what came before; a damaged inner archive costs only itself', async () => {
    const good = await makeTarGz([{ name: 'a.env', data: ENV }, { name: 'b.env', data: ENV }]);
    const truncated = good.subarray(0, good.length - 30);
    const result = await expand({ data: truncated }, 'cut.tar.gz');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^cannot read cut\.tar\.gz as gzip: /);
    const brokenZip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]);
    const outer = await makeZip([{ name: 'inner.zip', data: brokenZip }, { name: 'ok.env', data: ENV }]);
    const nested = await expand({ data: outer }, 'outer.zip');
    expect(nested.paths).toEqual(['outer.zip!ok.env']);
    expect(nested.warnings).toHaveLength(1);
    expect(nested.warnings[0]).toMatch(/^cannot read outer\.zip!inner\.zip as zip: /);
  });
});
