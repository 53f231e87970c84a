#!/usr/bin/env node
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `keyward: error: Node.js ${process.versions.node} is too old; keyward needs Node.js 22.22.2 or newer (24 LTS recommended). ` +
      'Fix: in a keyward checkout run `. scripts/use-node24.sh` (installs Node 24 from the npm registry for this shell), ' +
      'or install Node 24 LTS with your version manager (`nvm install 24`, `fnm install 24`) or from https://nodejs.org\n',
  );
  process.exit(2);
}
// V8 doubles a thread's young generation whenever much of it survives a scavenge, and a history scan's
// main thread keeps state for every blob: it grew to 48 MB of mostly garbage, and the process peaked at
// 390-400 MB on a 2.65 GB history instead of 310-340 MB, at no gain in speed. V8 reads the growth factor
// each time it would grow, so this holds the main thread at its start size; workers, whose heaps are made
// later, start near the 16 MB src/scan/pool.ts caps them to, which a worktree scan needs: held at the
// minimum instead, their scavenges cost it 10% more CPU.
const { setFlagsFromString } = await import('node:v8');
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--min-semi-space-size=5');
const argv = process.argv.slice(2);
// Pre-commit and pre-push hooks take a path that skips the argument parser (see src/cli/fast-path.ts).
const { runHookFastPath } = await import('../dist/cli/fast-path.js');
if (!(await runHookFastPath(argv))) {
  const { main } = await import('../dist/cli/main.js');
  await main(argv);
}
