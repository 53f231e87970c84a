import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakChecksum, fakeChecksummedToken, fakeRandom, runCli, tempDir } from './helpers.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// Fake keys in each seed format, made at test time so the repository holds none of them.
const keys = {
  stripeSecret: `sk_live_51${fakeRandom(ALNUM, 30, 11)}`,
  stripePublishable: `pk_test_51${fakeRandom(ALNUM, 30, 12)}`,
  github: fakeChecksummedToken('ghp_', 30, 13),
  aws: `AKIA${fakeRandom(BASE32, 16, 14)}`,
  webhook: `whsec_${fakeRandom(ALNUM, 32, 15)}`,
};
const lookAlike = breakChecksum(fakeChecksummedToken('ghp_', 30, 16));

function fixtureTree(): string {
  const root = tempDir();
  mkdirSync(join(root, 'src', 'config'), { recursive: true });
  mkdirSync(join(root, 'deploy'));
  writeFileSync(join(root, 'src', 'config', 'payments.ts'), `// billing\nexport const stripe = {\n  secret: '${keys.stripeSecret}',\n  publishable: "${keys.stripePublishable}",\n};\n`);
  writeFileSync(join(root, 'src', 'ci.yml'), `env:\n  GITHUB_TOKEN: ${keys.github}\n  OTHER_TOKEN: ${lookAlike}\n`);
  writeFileSync(join(root, 'deploy', '.env'), `AWS_ACCESS_KEY_ID=${keys.aws}\nSTRIPE_WEBHOOK_SECRET=${keys.webhook}\n`);
  writeFileSync(join(root, 'README.md'), '# nothing to see\nUse sk_live_xxxxxxxxxxxxxxxxxxxxxxxx in docs only.\n');
  return root;
}

interface JsonFinding {
  ruleId: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  secret: string;
  secretSha256: string;
  fingerprint: string;
  severity: string;
  verification: { status: string; by: string; reason?: string };
}

function scanJson(args: string[], cwd?: string) {
  const result = runCli(['scan', ...args, '--format', 'json'], cwd === undefined ? {} : { cwd });
  return { ...result, report: JSON.parse(result.stdout) as { findings: JsonFinding[]; stats: Record<string, number> } };
}

describe('keyward scan on a working tree', () => {
  const root = fixtureTree();

  it('finds each seed prefix and reports it with a redacted secret, exit 1', () => {
    const { status, report } = scanJson([root, '--threads', '1']);
    expect(status).toBe(1);
    const byRule = new Map(report.findings.map((f) => [f.ruleId, f]));
    const secrets = report.findings.map((f) => f.secret);
    for (const prefix of ['sk_live_', 'pk_test_', 'ghp_', 'AKIA', 'whsec_']) {
      expect(secrets.some((s) => s.startsWith(prefix)), prefix).toBe(true);
    }
    expect(report.findings).toHaveLength(5);
    const stripe = report.findings.find((f) => f.secret.startsWith('sk_live_'))!;
    expect(stripe).toMatchObject({ path: 'src/config/payments.ts', line: 3, column: 12, endLine: 3, severity: 'critical', verification: { status: 'unverified', by: 'none' } });
    expect(stripe.endColumn - stripe.column).toBe(keys.stripeSecret.length);
    expect(stripe.secret).not.toBe(keys.stripeSecret);
    expect(stripe.secret.length).toBeLessThan(keys.stripeSecret.length);
    expect(byRule.size).toBe(5);
  });

  it('rejects a ghp_ look-alike whose checksum is wrong', () => {
    const { report } = scanJson([join(root, 'src', 'ci.yml')]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.secretSha256).not.toBe('');
    const raw = runCli(['scan', join(root, 'src', 'ci.yml'), '--no-redact', '--format', 'json']);
    const found = (JSON.parse(raw.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.secret);
    expect(found).toEqual([keys.github]);
    expect(found).not.toContain(lookAlike);
  });

  it('gives the same findings on worker threads as on one thread', () => {
    const big = tempDir();
    for (let i = 0; i < 700; i++) {
      const dir = join(big, `pkg${i % 20}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `file${i}.js`), `module.exports = ${i};\n${i % 100 === 0 ? `const k = "${keys.stripeSecret}";\n` : ''}`);
    }
    const one = scanJson([big, '--threads', '1']).report;
    const two = scanJson([big, '--threads', '2']).report;
    expect(one.findings).toHaveLength(7);
    expect(two.findings).toEqual(one.findings);
    expect(two.stats['filesScanned']).toBe(700);
  });

  it('keeps fingerprints stable when lines move and changes them when the path changes', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.env'), `KEY=${keys.stripeSecret}\n`);
    const before = scanJson([dir]).report.findings[0]!;
    writeFileSync(join(dir, 'a.env'), `# moved\n\n\nKEY=${keys.stripeSecret}\n`);
    const after = scanJson([dir]).report.findings[0]!;
    expect(after.line).toBe(4);
    expect(after.fingerprint).toBe(before.fingerprint);
    writeFileSync(join(dir, 'b.env'), `KEY=${keys.stripeSecret}\n`);
    const both = scanJson([dir]).report.findings;
    expect(new Set(both.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('scans stdin with -', () => {
    const result = runCli(['scan', '-', '--format', 'json'], { input: `token: ${keys.github}\n` });
    expect(result.status).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => [f.path, f.line])).toEqual([['-', 1]]);
  });

  it('exits 0 on a clean tree', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'index.js'), 'console.log("hello");\n');
    const result = runCli(['scan', dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no secrets found');
  });
});

describe('ignore files', () => {
  it('honours .gitignore (nested, with negation) and .keywardignore, and prunes ignored directories', () => {
    const root = tempDir();
    mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
    mkdirSync(join(root, 'app', 'generated'), { recursive: true });
    writeFileSync(join(root, '.gitignore'), 'node_modules/\n*.log\n');
    writeFileSync(join(root, 'app', '.gitignore'), 'generated/\n!keep.log\n');
    writeFileSync(join(root, '.keywardignore'), 'docs.txt\n');
    const line = `k=${keys.stripeSecret}\n`;
    writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), line);
    writeFileSync(join(root, 'app', 'generated', 'out.js'), line);
    writeFileSync(join(root, 'debug.log'), line);
    writeFileSync(join(root, 'app', 'keep.log'), line);
    writeFileSync(join(root, 'docs.txt'), line);
    writeFileSync(join(root, 'app', 'main.js'), line);
    const { report } = scanJson([root]);
    expect(report.findings.map((f) => f.path).sort()).toEqual(['app/keep.log', 'app/main.js']);
    const everything = scanJson([root, '--no-ignore-files']).report;
    expect(everything.findings).toHaveLength(6);
  });
});

describe('bad input', () => {
  it('skips a binary file, and says so when it was named', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(keys.stripeSecret)]));
    const walked = scanJson([dir]);
    expect(walked.status).toBe(0);
    expect(walked.report.stats['filesBinary']).toBe(1);
    const named = runCli(['scan', join(dir, 'blob.bin')]);
    expect(named.status).toBe(0);
    expect(named.stderr).toMatch(/skipped .*blob\.bin: binary file/);
    expect(named.stderr).not.toMatch(/\n\s+at /);
  });

  it('scans an empty file cleanly', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.txt'), '');
    const result = scanJson([join(dir, 'empty.txt')]);
    expect(result.status).toBe(0);
    expect(result.report.stats['filesScanned']).toBe(1);
    expect(result.stderr).not.toContain('warning');
  });

  it('finds a key in a file with invalid UTF-8 and counts columns after the bad bytes', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'latin1.txt'), Buffer.concat([Buffer.from('caf\xe9 \xff\xfe = "', 'latin1'), Buffer.from(keys.stripeSecret), Buffer.from('"\n')]));
    const { status, report } = scanJson([dir]);
    expect(status).toBe(1);
    expect(report.findings[0]).toMatchObject({ line: 1, column: 12 });
  });

  it('skips a 50 MB file over the limit with a warning naming it and the limit', () => {
    const dir = tempDir();
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');
    big.write(`\n${keys.stripeSecret}\n`, 1000);
    writeFileSync(join(dir, 'huge.txt'), big);
    writeFileSync(join(dir, 'small.txt'), 'ok\n');
    const walked = runCli(['scan', dir]);
    expect(walked.status).toBe(0);
    expect(walked.stderr).toMatch(/skipped huge\.txt: 50\.0 MB is over the 10\.0 MB limit \(--max-file-size\)/);
    const named = runCli(['scan', join(dir, 'huge.txt')]);
    expect(named.status).toBe(2);
    const raised = runCli(['scan', join(dir, 'huge.txt'), '--max-file-size', '64MB']);
    expect(raised.status).toBe(1);
  });

  it('does not follow symlinks, so a symlink loop cannot hang the walk', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    symlinkSync('/etc', join(dir, 'outside'));
    writeFileSync(join(dir, 'sub', 'real.txt'), `k=${keys.stripeSecret}\n`);
    const { status, report } = scanJson([dir]);
    expect(status).toBe(1);
    expect(report.findings.map((f) => f.path)).toEqual(['sub/real.txt']);
    expect(report.stats['symlinksSkipped']).toBe(4);
    const named = runCli(['scan', join(dir, 'a')]);
    expect(named.status).toBe(2);
    expect(named.stderr).toMatch(/cannot scan .*a: too many levels of symbolic links \(a symlink loop\)/);
    expect(named.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns about an unreadable file and goes on', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.env'), `k=${keys.stripeSecret}\n`);
    writeFileSync(join(dir, 'locked.env'), `k=${keys.stripeSecret}\n`);
    chmodSync(join(dir, 'locked.env'), 0o000);
    const result = runCli(['scan', dir, '--format', 'json'], { unprivileged: true });
    expect(result.stderr).toContain('cannot read locked.env: permission denied');
    expect(result.status).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.path)).toEqual(['secret.env']);
    const only = runCli(['scan', join(dir, 'locked.env')], { unprivileged: true });
    expect(only.status).toBe(2);
  });

  it('names a path that does not exist', () => {
    const result = runCli(['scan', '/no/such/place']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot scan /no/such/place: no such file or directory');
  });

  it('suggests the closest flag for an unknown one, exit 2, no stack', () => {
    const result = runCli(['scan', '.', '--fromat', 'json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --fromat (did you mean --format?)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad --max-file-size naming the flag', () => {
    const result = runCli(['scan', '.', '--max-file-size', 'lots']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--max-file-size: 'lots' is not a size");
  });
});
