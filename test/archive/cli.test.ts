import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, fakeChecksummedToken, runCli, tempDir } from '../helpers.js';
import { makeDockerSave, makeOciLayout, type LayerSpec } from '../image/build.js';
import { lieAboutSizes, makeManyEntryZip, makeTarGz, makeZeroBomb, makeZip } from './build.js';

interface JsonReport {
  findings: { path: string; ruleId: string; secret: string; layer?: { image: string; digest: string; index: number; createdBy?: string; deleted: boolean } }[];
  stats: Record<string, number>;
  warnings: string[];
}

const token = fakeChecksummedToken('ghp_');
const env = `GITHUB_TOKEN=${token}\n`;

function json(args: string[]): { status: number; report: JsonReport; stderr: string; stdout: string } {
  const result = runCli(['scan', '--format', 'json', ...args]);
  expect(result.stdout, result.stderr).not.toContain(token);
  return { status: result.status, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr, stdout: result.stdout };
}

describe('keyward scan DIR opens archives', () => {
  const dir = tempDir();
  beforeAll(async () => {
    const inner = await makeTarGz([{ name: 'deploy/.env', data: env }]);
    writeFileSync(join(dir, 'release.zip'), await makeZip([{ name: 'bundle/config.tar.gz', data: inner }, { name: 'bundle/README.md', data: '# release\n' }]));
    writeFileSync(join(dir, 'notes.txt'), 'nothing here\n');
  });

  it('finds a key in a .env inside a tar.gz inside a zip and names the member path', () => {
    const { status, report } = json([dir]);
    expect(status).toBe(1);
    expect(report.findings.map((finding) => [finding.path, finding.ruleId])).toEqual([['release.zip!bundle/config.tar.gz!deploy/.env', expect.stringMatching(/github/)]]);
    // The zip and the tar.gz inside it.
    expect(report.stats['archivesOpened']).toBe(2);
    const text = runCli(['scan', dir]);
    expect(text.stdout).toContain('release.zip!bundle/config.tar.gz!deploy/.env');
    expect(text.stdout).not.toContain(token);
  });

  it('--no-archives leaves archives shut and counts them in the summary', () => {
    const { status, report } = json(['--no-archives', dir]);
    expect(status).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.stats['archivesSkipped']).toBe(1);
    const text = runCli(['scan', '--no-archives', dir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/skipped 1 archive \(--no-archives\)/);
  });

  it('--archive-depth 1 opens the zip but not the tar.gz in it, and says so', () => {
    const { status, report, stderr } = json(['--archive-depth', '1', dir]);
    expect(status).toBe(0);
    expect(stderr).toContain('warning: not opened release.zip!bundle/config.tar.gz: archives nest deeper than 1 (--archive-depth)');
    expect(report.findings).toEqual([]);
  });

  it('rejects a bad --archive-depth with one line and exit 2', () => {
    const result = runCli(['scan', '--archive-depth', '-1', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^keyward: error: --archive-depth: '-1' is not a whole number from 0 to 8$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns about a corrupt archive by name and goes on with the scan', () => {
    const broken = tempDir();
    writeFileSync(join(broken, 'broken.zip'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 1)]));
    writeFileSync(join(broken, 'broken.tar.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]));
    writeFileSync(join(broken, '.env'), env);
    const { status, report } = json([broken]);
    expect(status).toBe(1);
    expect(report.findings.map((finding) => finding.path)).toEqual(['.env']);
    expect([...report.warnings].sort()).toEqual([expect.stringMatching(/^cannot read broken\.tar\.gz as gzip: /), expect.stringMatching(/^cannot read broken\.zip as zip: /)]);
  });
});

describe('limits through the CLI', () => {
  it('cuts a 1 GB deflate bomb with a warning, in bounded memory, and still reports the key beside it', async () => {
    const dir = tempDir();
    const bomb = await makeZeroBomb(1024 * 1024 * 1024);
    // An honest header is skipped unread; a lying one (it claims 900 KB) is inflated and cut while counting.
    writeFileSync(join(dir, 'bomb.zip'), bomb);
    writeFileSync(join(dir, 'liar.zip'), lieAboutSizes(bomb, 900 * 1024));
    writeFileSync(join(dir, '.env'), env);
    const preload = pathToFileURL(fileURLToPath(new URL('./max-rss.mjs', import.meta.url))).href;
    const result = spawnSync(process.execPath, ['--import', preload, CLI, 'scan', '--format', 'json', dir], {
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.findings.map((finding) => finding.path)).toEqual(['.env']);
    expect([...report.warnings].sort()).toEqual([
      'skipped bomb.zip!zeros.bin: larger than 10.0 MB once decompressed (--max-file-size)',
      'stopped reading liar.zip!zeros.bin: it inflates past the 921600 bytes its header declares, like a zip bomb; the rest was not scanned',
    ]);
    const rss = Number(/max-rss-kb=(\d+)/.exec(result.stderr)?.[1]);
    // Inflating the whole gigabyte would need a gigabyte; each cut comes within about a megabyte.
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(300 * 1024);
  }, 180_000);

  it('stops a zip of 100,000 entries at the entry limit with a warning', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'many.zip'), makeManyEntryZip(100_000));
    const { status, report } = json([dir]);
    expect(status).toBe(0);
    expect(report.warnings).toEqual(['stopped reading many.zip after 50000 entries (the limit for one archive); 50000 more were not scanned']);
  }, 180_000);
});

const SPECS: LayerSpec[] = [
  { createdBy: 'COPY . /srv # buildkit', files: [{ name: 'srv/', type: 'directory' }, { name: 'srv/.env', data: env }, { name: 'srv/app.js', data: 'export {}\n' }] },
  { createdBy: 'RUN /bin/sh -c rm /srv/.env # buildkit', files: [{ name: 'srv/.wh..env', data: '' }] },
];

describe('keyward scan --image', () => {
  it('finds a key in the first layer of a docker save tarball, with its digest and created_by, deleted later', async () => {
    const dir = tempDir();
    const { tar, layers } = await makeDockerSave(SPECS, 'keyward-test/web:3');
    writeFileSync(join(dir, 'x.tar'), tar);
    const { status, report } = json(['--image', join(dir, 'x.tar')]);
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.path).toBe(`${join(dir, 'x.tar')}!${layers[0]!.diffId}!srv/.env`);
    expect(report.findings[0]!.layer).toEqual({ image: 'keyward-test/web:3', digest: layers[0]!.diffId, index: 0, createdBy: 'COPY . /srv # buildkit', deleted: true });
    const text = runCli(['scan', '--image', join(dir, 'x.tar')]);
    expect(text.stdout).toContain(`image keyward-test/web:3, layer 0 ${layers[0]!.diffId}, made by: COPY . /srv # buildkit; deleted by a later layer, still in the image`);
    const sarif = runCli(['scan', '--format', 'sarif', '--image', join(dir, 'x.tar')]);
    expect(JSON.parse(sarif.stdout).runs[0].results[0].properties.layer).toMatchObject({ digest: layers[0]!.diffId, deleted: true });
  });

  it('reads an OCI image layout directory likewise', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'oci'));
    const { layerDigests } = await makeOciLayout(join(dir, 'oci'), SPECS);
    const { status, report } = json(['--image', join(dir, 'oci')]);
    expect(status).toBe(1);
    expect(report.findings.map((finding) => finding.layer)).toEqual([
      { image: 'keyward-test/oci:2.0', digest: layerDigests[0], index: 0, createdBy: 'COPY . /srv # buildkit', deleted: true },
    ]);
  });

  it('names what is wrong with an input that is no image, exit 2, no stack', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.tar'), 'not a tar at all');
    const result = runCli(['scan', '--image', join(dir, 'plain.tar')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/plain\.tar: not a tar file/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
