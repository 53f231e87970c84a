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
// Node keeps the compiled modules in keyward's user cache (keyed by content; NODE_DISABLE_COMPILE_CACHE=1
// turns it off), so a hook's startup skips compiling them: 15-25 ms of a pre-commit hook's 200.
const { enableCompileCache } = await import('node:module');
const home = process.env.XDG_CACHE_HOME || (process.env.HOME ? `${process.env.HOME}/.cache` : undefined);
if (home !== undefined) enableCompileCache?.(`${home}/keyward/node-compile-cache`);
const argv = process.argv.slice(2);
// Pre-commit and pre-push hooks take a path that skips the argument parser (see src/cli/fast-path.ts).
const { runHookFastPath } = await import('../dist/cli/fast-path.js');
if (!(await runHookFastPath(argv))) {
  const { main } = await import('../dist/cli/main.js');
  await main(argv);
}
