// The pipeline as a library (issue 11): sources, the driver's expander extension point, streaming output,
// and stages that return new findings instead of editing them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex, type Finding } from '../src/engine/finding.js';
import { scan } from '../src/pipeline/index.js';
import { verifyFindings } from '../src/pipeline/verify.js';
import { loadRules } from '../src/rules/load.js';
import { runSource } from '../src/scan/run.js';
import type { ExpanderEntry } from '../src/sources/expanders.js';
import { memberOrigin } from '../src/sources/expanders.js';
import type { Chunk, Source } from '../src/sources/types.js';
import { tempDir } from './helpers.js';
import { fakeKey } from './git/repo.js';

const rules = loadRules();

/**
 * A toy container: members are `--- name` sections; inside a member, a nested bundle uses `=== name`, so one
 * split per level is enough.
 */
const bundleExpander: ExpanderEntry = {
  name: 'bundle',
  claims: (origin) => origin.path.endsWith('.bundle'),
  load: async () => ({
    name: 'bundle',
    async *expand(chunk) {
      const text = 'data' in chunk ? chunk.data.toString('utf8') : '';
      const separator = chunk.origin.path.includes('!') ? /^=== /m : /^--- /m;
      for (const part of text.split(separator).filter(Boolean)) {
        const [name, ...body] = part.split('\n');
        yield { data: Buffer.from(body.join('\n')), origin: memberOrigin(chunk.origin, name!) };
      }
    },
  }),
};

describe('the scan driver', () => {
  const source: Source = {
    name: 'test',
    async *chunks() {
      yield { data: Buffer.from(`--- README\nnothing here\n--- nested.bundle\n=== deploy/.env\nSTRIPE=${fakeKey(50)}\n`), origin: { path: 'release.bundle' } } satisfies Chunk;
    },
  };
  const options = { rules, revealSecrets: false, maxFileSize: 1 << 20, threads: 1, expanders: [bundleExpander] };

  it('expands a container chunk into member chunks, nested, naming the way in', async () => {
    const findings: Finding[] = [];
    const stats = await runSource(source, options, { finding: (f) => findings.push(f), warning: () => {} });
    expect(findings.map((f) => [f.path, f.line])).toEqual([['release.bundle!nested.bundle!deploy/.env', 1]]);
    expect(stats.filesScanned).toBe(2);
  });

  it('stops expanding at the depth limit and scans the container as it is', async () => {
    const shallow: Finding[] = [];
    await runSource(source, { ...options, expandDepth: 1 }, { finding: (f) => shallow.push(f), warning: () => {} });
    expect(shallow.map((f) => [f.path, f.line])).toEqual([['release.bundle!nested.bundle', 2]]);
  });
});

describe('batches in shared memory', () => {
  /** Batches of 64 chunks in SharedArrayBuffers, one key per batch, each released back to the source. */
  function sharedBatches(count: number, released: number[]): Source {
    return {
      name: 'shared',
      unit: 'blobs',
      async *chunks() {
        for (let index = 0; index < count; index++) {
          const memory = Buffer.from(new SharedArrayBuffer(64 * 2048));
          const batch = [];
          for (let i = 0; i < 64; i++) {
            const view = memory.subarray(i * 2048, (i + 1) * 2048);
            view.fill(0x20);
            view.write(i === 0 ? `STRIPE=${fakeKey(index % 9)}\n` : `line ${i}\n`);
            batch.push({ data: view, origin: { path: `b${index}/f${i}.txt`, blob: String(index).padStart(40, '0') } });
          }
          yield { batch, release: () => released.push(index) };
        }
      },
    };
  }

  for (const threads of [1, 2]) {
    it(`hands each batch back once its findings are in, on ${threads === 1 ? 'this thread' : 'workers'}`, async () => {
      const released: number[] = [];
      const findings: Finding[] = [];
      // 48 batches of 128 KB: past the point where the driver starts workers.
      const count = 48;
      await runSource(sharedBatches(count, released), { rules, revealSecrets: false, maxFileSize: 1 << 20, threads }, { finding: (f) => findings.push(f), warning: () => {} });
      expect(findings.map((f) => f.path).sort()).toEqual(Array.from({ length: count }, (_, index) => `b${index}/f0.txt`).sort());
      expect([...released].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index));
    });
  }
});

describe('scan() as a library', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.env'), `A=${fakeKey(51)}\n`);
  writeFileSync(join(dir, 'b.env'), `B=${fakeKey(52)}\n`);

  it('streams JSONL as findings come, keeping no list', async () => {
    const writes: string[] = [];
    const result = await scan({ source: { source: 'worktree', options: { paths: [dir] } }, threads: 1, output: { format: 'jsonl', write: (text) => writes.push(text) } });
    expect(result.findingCount).toBe(2);
    expect(result.report.findings).toEqual([]);
    expect(writes).toHaveLength(2);
    expect(writes.map((line) => (JSON.parse(line) as { path: string }).path).sort()).toEqual(['a.env', 'b.env']);
    expect(result.summary).toMatch(/^2 findings \(2 critical\) in 2 files; scanned 2 files/);
  });

  it('verifies against an issuer export: a Verification object per finding, by the issuer-hashes verifier', async () => {
    const exportFile = join(dir, '..', 'hashes.txt');
    writeFileSync(exportFile, `${sha256Hex(fakeKey(51))} revoked\n`);
    const result = await scan({ source: { source: 'worktree', options: { paths: [dir] } }, threads: 1, verify: { hashes: exportFile } });
    expect(result.report.findings.map((f) => [f.path, f.verification])).toEqual([
      ['a.env', { status: 'revoked', by: 'issuer-hashes' }],
      ['b.env', { status: 'unknown', by: 'issuer-hashes', reason: 'not-in-store' }],
    ]);
  });

  it('the verification stage returns new findings and leaves its input as it was', async () => {
    const found = (await scan({ source: { source: 'worktree', options: { paths: [dir] } }, threads: 1 })).report.findings;
    const frozen = found.map((finding) => Object.freeze({ ...finding }));
    const exportFile = join(dir, '..', 'live.txt');
    writeFileSync(exportFile, `${sha256Hex(fakeKey(52))} live\n`);
    const verified = await verifyFindings(frozen, rules, { hashes: exportFile, onlyLive: true }, { redact: true, warn: () => {}, notice: () => {} });
    expect(verified.map((f) => [f.path, f.verification.status])).toEqual([['b.env', 'live']]);
    expect(frozen.map((f) => f.verification.status)).toEqual(['unverified', 'unverified']);
  });
});
