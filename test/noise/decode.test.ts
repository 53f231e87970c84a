import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CLI, fakeChecksummedToken, runCli, tempDir } from '../helpers.js';
import { scanJson, stripeKey } from './util.js';

const hasGithubRule = (): boolean => runCli(['rules', 'list', '--format', 'json']).stdout.includes('"ghp_"');

describe('decoding', () => {
  it('finds a base64-encoded token (GitHub ghp_ when its rule is there, else Stripe), at the encoded span', () => {
    const token = hasGithubRule() ? fakeChecksummedToken('ghp_', 30, 301) : stripeKey(301);
    const encoded = Buffer.from(`GITHUB_TOKEN=${token}\n`).toString('base64');
    const { status, report } = scanJson(['-'], { input: `apiVersion: v1\nkind: Secret\ndata:\n  token: ${encoded}\n` });
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ secret: token, decoded: ['base64'], line: 4, column: 10 });
  });

  it('decodes url-safe base64, hex, percent-encoding, and two levels deep', () => {
    const key = stripeKey(302);
    const inner = Buffer.from(`key=${key}`);
    const input = [
      `a: ${inner.toString('base64url')}`,
      `b: ${inner.toString('hex')}`,
      `c: https://x.test/cb?k=${stripeKey(303).replaceAll('_', '%5F')}`,
      `d: ${Buffer.from(Buffer.from(`k=${stripeKey(304)}`).toString('base64')).toString('base64')}`,
    ].join('\n');
    const { report } = scanJson(['-'], { input });
    const decodedBy = Object.fromEntries(report.findings.map((f) => [f.line, f.decoded?.join('>')]));
    expect(decodedBy).toEqual({ 1: 'base64', 2: 'hex', 3: 'percent', 4: 'base64>base64' });
  });

  it('--decode-depth 0 turns decoding off', () => {
    const encoded = Buffer.from(`k=${stripeKey(305)}`).toString('base64');
    expect(scanJson(['-', '--decode-depth', '0'], { input: `x: ${encoded}\n` }).report.findings).toHaveLength(0);
    expect(scanJson(['-', '--decode-depth', '1'], { input: `x: ${encoded}\n` }).report.findings).toHaveLength(1);
  });

  it('a 20 MB base64 file stays within the memory budget (peak RSS reported)', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.b64');
    const out = createWriteStream(file);
    const block = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
    let written = 0;
    while (written < 20 * 1024 * 1024) {
      const text = `${block.toString('base64').replace(/.{76}/g, '$&\n')}`;
      if (!out.write(text)) await once(out, 'drain');
      written += text.length;
    }
    // A real key deep inside, past the per-file decode budget: the plain scan still finds it.
    out.end(`\nSTRIPE=${stripeKey(306)}\n`);
    await once(out, 'finish');
    const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    const args = [CLI, 'scan', file, '--max-file-size', '64MB', '--format', 'json', '--threads', '1'];
    const started = performance.now();
    const result = time === undefined ? spawnSync(process.execPath, args, { encoding: 'utf8' }) : spawnSync(time, ['-f', 'MAXRSS_KB %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = (performance.now() - started) / 1000;
    const report = JSON.parse(result.stdout) as { findings: unknown[]; stats: { dropped: Record<string, number> } };
    expect(report.findings).toHaveLength(1);
    expect(report.stats.dropped['decode-budget']).toBe(1);
    const rss = /MAXRSS_KB (\d+)/.exec(result.stderr);
    if (rss !== null) {
      const mb = Number(rss[1]) / 1024;
      console.log(`20 MB base64 file: peak RSS ${mb.toFixed(0)} MB, ${seconds.toFixed(2)} s`);
      // Node itself plus the 20 MB file in memory; decoding adds at most its 1 MB budget and scratch.
      expect(mb).toBeLessThan(200);
    }
    writeFileSync(join(dir, 'done'), '');
  }, 60_000);
});
