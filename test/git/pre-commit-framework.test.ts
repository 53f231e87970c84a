import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { commit, fakeKey, git, keywardOnPath, makeRepo } from './repo.js';

interface HookManifestEntry {
  id: string;
  entry: string;
  language: string;
  pass_filenames: boolean;
  always_run: boolean;
  stages: string[];
  minimum_pre_commit_version: string;
}

function preCommitVersion(): string | undefined {
  const probe = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? /(\d+\.\d+\.\d+)/.exec(probe.stdout)?.[1] : undefined;
}

const version = preCommitVersion();
const manifest = parse(readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookManifestEntry[];
// pre-commit before 3.2.0 (Debian 12 ships 3.0.4) names the stages commit and push.
const LEGACY_STAGE: Record<string, string> = { 'pre-commit': 'commit', 'pre-push': 'push' };

/**
 * The real pre-commit tool runs keyward's hooks as .pre-commit-hooks.yaml declares them: same entry, same
 * pass_filenames and always_run, same stages. `language: node` would make the framework `npm install` this
 * repository (a native build, and a download); a `repo: local` hook with `language: system` runs the very
 * same entry from PATH, which is what the node environment provides.
 */
// .ci/run installs Debian's pre-commit; without it these tests fail (the probe below says so) rather than skip.
describe(`the pre-commit framework ${version ?? '(not installed)'} runs .pre-commit-hooks.yaml`, () => {
  beforeAll(() => {
    if (version === undefined) throw new Error("pre-commit is not installed: .ci/run installs Debian's package (apt-get install pre-commit)");
  });
  const bin = keywardOnPath();
  const home = tempDir('keyward-pre-commit-home-');
  const env = { ...process.env, PATH: `${bin}:${process.env['PATH']}`, PRE_COMMIT_HOME: home, NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const run = (cwd: string, command: string, ...args: string[]) => {
    const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  };

  function configure(repo: string): void {
    const legacy = Number(version!.split('.')[0]) < 3 || (version!.startsWith('3.') && Number(version!.split('.')[1]) < 2);
    const hooks = manifest.map((hook) => ({
      id: hook.id,
      name: hook.id,
      entry: hook.entry,
      language: 'system',
      pass_filenames: hook.pass_filenames,
      always_run: hook.always_run,
      stages: hook.stages.map((stage) => (legacy ? (LEGACY_STAGE[stage] ?? stage) : stage)),
    }));
    writeFileSync(join(repo, '.pre-commit-config.yaml'), JSON.stringify({ repos: [{ repo: 'local', hooks }] }, null, 2));
  }

  it('declares what the framework needs', () => {
    expect(manifest.map((hook) => hook.id)).toEqual(['keyward', 'keyward-pre-push']);
    for (const hook of manifest) {
      expect(hook).toMatchObject({ language: 'node', pass_filenames: false, minimum_pre_commit_version: '3.2.0' });
      expect(hook.entry.startsWith('keyward scan --')).toBe(true);
    }
  });

  it('blocks a commit that stages a key, and lets a clean one through', () => {
    const repo = makeRepo('keyward-pre-commit-');
    configure(repo);
    commit(repo, 'config', { 'README.md': '# app\n' });
    expect(run(repo, 'pre-commit', 'install').status).toBe(0);
    writeFileSync(join(repo, 'settings.env'), `STRIPE_SECRET_KEY=${fakeKey(41)}\n`);
    git(repo, 'add', 'settings.env');
    const blocked = run(repo, 'git', 'commit', '-q', '-m', 'add settings');
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toContain('stripe-secret-key-live');
    expect(blocked.output).toContain('settings.env');
    expect(blocked.output).not.toContain(fakeKey(41));
    expect(git(repo, 'log', '--format=%s')).toBe('config');
    writeFileSync(join(repo, 'settings.env'), 'STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n');
    git(repo, 'add', 'settings.env');
    const clean = run(repo, 'git', 'commit', '-q', '-m', 'settings from the environment');
    expect(clean.status, clean.output).toBe(0);
  });

  it('blocks a push whose commits add a key', () => {
    const remote = join(tempDir('keyward-pre-push-remote-'), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    const repo = makeRepo('keyward-pre-push-');
    configure(repo);
    git(repo, 'remote', 'add', 'origin', remote);
    commit(repo, 'base', { 'app.js': 'console.log(1);\n' });
    expect(run(repo, 'git', 'push', '-q', 'origin', 'main').status).toBe(0);
    expect(run(repo, 'pre-commit', 'install', '--hook-type', 'pre-push').status).toBe(0);
    commit(repo, 'leak', { 'deploy.env': `KEY=${fakeKey(42)}\n` });
    const pushed = run(repo, 'git', 'push', '-q', 'origin', 'main');
    expect(pushed.status).not.toBe(0);
    expect(pushed.output).toContain('deploy.env');
    expect(git(remote, 'log', '--format=%s', 'main')).toBe('base');
  });
});
