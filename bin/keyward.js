#!/usr/bin/env node
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(`keyward: error: Node.js ${process.versions.node} is too old; keyward needs Node.js 22.22.2 or newer (24 LTS recommended)\n`);
  process.exit(2);
}
const { main } = await import('../dist/cli/main.js');
await main(process.argv.slice(2));
