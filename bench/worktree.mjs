// npm run bench [-- FOLDER]: keyward's working-tree throughput beside ripgrep running the same patterns.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCorpus } from './corpus.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, '.bench');
mkdirSync(benchDir, { recursive: true });
const folder = process.argv[2] ? resolve(process.argv[2]) : join(benchDir, 'corpus');
const corpus = process.argv[2] ? undefined : makeCorpus(folder, Number(process.env.BENCH_MB ?? 200));

function timed(command, args) {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const started = process.hrtime.bigint();
  const result = timeBin
    ? spawnSync(timeBin, ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rssKb = timeBin ? Number(result.stderr.trim().split('\n').at(-1)) : NaN;
  return { seconds, rssMb: rssKb / 1024, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

// Warm the page cache so both tools read from memory.
spawnSync('rg', ['--files', '--no-ignore', folder], { stdio: 'ignore' });
spawnSync('cat', ['-'], { input: '' });
spawnSync('sh', ['-c', `find "${folder}" -type f -exec cat {} + > /dev/null`]);

const cli = join(root, 'bin', 'keyward.js');
const runs = [];
for (let i = 0; i < 3; i++) runs.push(timed(process.execPath, [cli, 'scan', folder, '--format', 'json', '--output', join(benchDir, 'worktree.json'), '--quiet']));
const best = runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
const report = JSON.parse(readFileSync(join(benchDir, 'worktree.json'), 'utf8'));
const bytes = report.stats.bytesScanned;
const files = report.stats.filesScanned;

const mb = bytes / (1024 * 1024);
console.log(`corpus: ${folder} (${files} files, ${mb.toFixed(1)} MB), ${cpus().length} cores`);
console.log(`keyward: ${(mb / best.seconds).toFixed(0)} MB/s, ${(files / best.seconds).toFixed(0)} files/s, ${best.seconds.toFixed(2)} s, peak RSS ${best.rssMb.toFixed(0)} MB, ${report.findings.length} findings`);
if (corpus) {
  const found = new Set(report.findings.map((f) => f.secretSha256));
  const { createHash } = await import('node:crypto');
  const missed = corpus.planted.filter((key) => !found.has(createHash('sha256').update(key).digest('hex')));
  console.log(`planted keys: ${corpus.planted.length}, missed: ${missed.length}`);
}

const rg = spawnSync('rg', ['--version'], { encoding: 'utf8' });
if (rg.status === 0) {
  // The same patterns, ASCII mode (its Unicode \b and classes cost ~100x), multiline (several rules match
  // across a newline, as keyward's do), both cores, no ignore files.
  const { loadRules } = await import(join(root, 'dist', 'rules', 'load.js'));
  // Rust's regex spells named groups (?P<…>) and rejects the needless escape \' that RE2 accepts.
  const patterns = loadRules().map((rule) => rule.pattern.replace(/\(\?P?</g, '(?P<').replace(/\\'/g, "'"));
  const patternFile = join(benchDir, 'patterns.txt');
  writeFileSync(patternFile, `${patterns.join('\n')}\n`);
  const rgRuns = [];
  for (let i = 0; i < 3; i++) rgRuns.push(timed('rg', ['--no-unicode', '--multiline', '--threads', '2', '--no-ignore', '--hidden', '--count-matches', '--no-messages', '-f', patternFile, folder]));
  const rgBest = rgRuns.reduce((a, b) => (a.seconds < b.seconds ? a : b));
  console.log(`ripgrep ${rg.stdout.split('\n')[0]}: ${(mb / rgBest.seconds).toFixed(0)} MB/s, ${rgBest.seconds.toFixed(2)} s, peak RSS ${rgBest.rssMb.toFixed(0)} MB (${patterns.length} patterns)`);
  console.log(`ratio keyward/ripgrep throughput: ${(rgBest.seconds / best.seconds).toFixed(2)}x (target >= 1.5x)`);
} else {
  console.log('ripgrep not installed (apt-get install ripgrep) - no comparison');
}
