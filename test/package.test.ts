import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRandom, REPO_ROOT, tempDir } from './helpers.js';

function run(command: string, args: string[], cwd: string) {
  // The fresh project is no git repository, so the scan also reads node_modules (keyward's own rule
  // examples among them): its JSON report is several megabytes, past spawnSync's 1 MB default.
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', npm_config_loglevel: 'error' } });
  return { status: result.status ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('the npm package', () => {
  const work = tempDir('keyward-pack-');
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT);
  const manifest = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = manifest[0]!.files.map((f) => f.path);

  it('holds the bin shim, dist, rules and schemas, and no tests or fixtures', () => {
    expect(packed.status).toBe(0);
    expect(files).toContain('bin/keyward.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/issuer/index.d.ts');
    expect(files).toContain('schemas/rule.schema.json');
    expect(files.filter((f) => f.startsWith('rules/')).length).toBeGreaterThanOrEqual(10);
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('fixtures/') || f.startsWith('src/') || f.endsWith('.map'))).toBe(false);
  });

  it('installs into a fresh project and runs `npx keyward scan`', () => {
    const project = join(work, 'project');
    cpSync(join(REPO_ROOT, 'fixtures', 'demo'), project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true, type: 'module' }));
    // re2 is a native addon that takes minutes to compile, and tests reach no registry: the project starts
    // with a copy of this checkout's installed tree (with npm's record of it), and npm installs the tarball
    // offline on top of it.
    const runtime = ['re2', 'better-sqlite3', 'yaml', 'ajv', 'ignore', 'fast-glob', 'simple-git', 'yargs', 'smol-toml', 'pg'];
    const available = new Set(readdirSync(join(REPO_ROOT, 'node_modules')));
    for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      cpSync(join(REPO_ROOT, 'node_modules', name), join(project, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
    }
    expect(runtime.filter((name) => available.has(name)).length).toBeGreaterThanOrEqual(7);
    const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, manifest[0]!.filename)], project);
    expect(install.stderr).not.toMatch(/ERR!|npm error/);
    expect(install.status).toBe(0);
    const scan = run('npx', ['--no-install', 'keyward', 'scan', '.', '--format', 'json'], project);
    expect(scan.stderr).not.toMatch(/\n\s+at /);
    expect(scan.status).toBe(1);
    const report = JSON.parse(scan.stdout) as { findings: { ruleId: string }[] };
    expect(report.findings.map((f) => f.ruleId)).toContain('stripe-secret-key-live');

    const key = `sk_live_51${fakeRandom('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 30, 51)}`;
    writeFileSync(
      join(project, 'use-library.mjs'),
      `import { scanText } from 'keyward';\nconst findings = scanText(${JSON.stringify(`k = "${key}"`)});\nconsole.log(JSON.stringify(findings.map((f) => [f.ruleId, f.line, f.secret.length < 20])));\n`,
    );
    const library = run(process.execPath, ['use-library.mjs'], project);
    expect(library.stderr).toBe('');
    expect(library.stdout.split('\n')[0]).toBe(JSON.stringify([['stripe-secret-key-live', 1, true]]));

    // The issuer kit's entry point: issue a key, revoke it, see it refused.
    writeFileSync(
      join(project, 'use-issuer.mjs'),
      [
        "import { Issuer, SqliteKeyStore } from 'keyward/issuer';",
        "const issuer = await Issuer.init(new SqliteKeyStore('keys.db', { create: true }), { prefix: 'fresh_live_' });",
        "const { key, record } = await issuer.create({ name: 'first' });",
        'const before = await issuer.verify(key);',
        "await issuer.revoke(record.id, { reason: 'demo' });",
        'const after = await issuer.verify(key);',
        'console.log(JSON.stringify([key.startsWith(`fresh_live_${record.id}_`), before.ok, after.ok ? null : after.reason]));',
        'await issuer.close();',
      ].join('\n'),
    );
    const issuer = run(process.execPath, ['use-issuer.mjs'], project);
    expect(issuer.stderr).toBe('');
    expect(issuer.stdout.trim()).toBe(JSON.stringify([true, true, 'revoked']));
    // npm pack and a fresh install take well over the default timeout on a busy two-core machine.
  }, 300_000);
});
