// npm run bench:history [-- REPO]: keyward's full-history scan against the git plumbing floor.
//
// With REPO, runs on that repository (any clone; a big synthetic one comes from
// `node bench/make-history-repo.mjs .bench/big-history`, 2+ GB of unique blobs over 50k commits). Without,
// builds (once, cached under .bench/) a smaller deterministic repository with git fast-import: 20k+
// commits, 100k+ blobs, planted fake keys (some deleted later). Then, in one run each, times
//   git cat-file --batch-all-objects --batch --unordered > /dev/null   (reading every object: the floor)
//   git log -p --all > /dev/null                                         (what patch-reading scanners pay)
//   keyward scan --history                                               (with peak RSS)
// and prints the two ratios and peak RSS against the targets, and findings per distinct secret. Without
// REPO it then gives the pre-commit figure: `keyward scan --staged` for a 5-file change in a 10k-file
// repository, median of 10 runs. Numbers on a shared machine say so: the load average is printed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// xorshift32 (the same repository on every machine), shared with the working-tree corpus.
import { rng } from './corpus.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, '.bench');
const cli = join(root, 'bin', 'keyward.js');
const COMMITS = Number(process.env.BENCH_COMMITS ?? 20_000);
const FILES = 2_000;
const CHANGES_PER_COMMIT = 6;
const VERSION = 3; // bump when the generator changes, to rebuild the cached repository
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function git(cwd, args, options = {}) {
  const result = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}


const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WORDS = 'const let value result config client request response handler error data items index count user token name path options return await async function export import from default new this if else for while'.split(' ');

function fakeStripeKey(random) {
  let body = '';
  for (let i = 0; i < 32; i++) body += ALNUM[Math.floor(random() * ALNUM.length)];
  return `sk_live_51${body}`;
}

function codeLine(random) {
  const n = 3 + Math.floor(random() * 8);
  const words = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
  return `  ${words.join(' ')}(${Math.floor(random() * 100000)});`;
}

/** Writes a fast-import stream; returns the planted keys (and which were deleted later). */
function buildHistoryRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const random = rng(20240611);
  const streamPath = `${dir}.fast-import`;
  const fd = openSync(streamPath, 'w');
  let pending = [];
  let pendingBytes = 0;
  const out = (text) => {
    pending.push(text);
    pendingBytes += text.length;
    if (pendingBytes > 1 << 22) flush();
  };
  const flush = () => {
    writeSync(fd, pending.join(''));
    pending = [];
    pendingBytes = 0;
  };
  const data = (text) => out(`data ${Buffer.byteLength(text)}\n${text}\n`);

  const files = Array.from({ length: FILES }, (_, i) => ({
    path: `pkg${i % 50}/src/module${i}.js`,
    lines: Array.from({ length: 30 + Math.floor(random() * 30) }, () => codeLine(random)),
  }));
  const planted = [];
  const leakFiles = new Map(); // path -> key, for dedicated leak files still present
  let time = 1_600_000_000;
  let mark = 0;
  const branchTips = new Map();
  const commitTo = (ref, parentMark, message, changes) => {
    mark++;
    time += 97;
    out(`commit ${ref}\nmark :${mark}\nauthor Bench Dev <bench@example.com> ${time} +0000\ncommitter Bench Dev <bench@example.com> ${time} +0000\n`);
    data(message);
    if (parentMark !== undefined) out(`from :${parentMark}\n`);
    for (const change of changes) {
      if (change.delete) out(`D ${change.path}\n`);
      else {
        out(`M 100644 inline ${change.path}\n`);
        data(change.content);
      }
    }
    return mark;
  };

  // Commit 1 adds every file; later commits each change a few.
  let main = commitTo('refs/heads/main', undefined, 'initial import', files.map((f) => ({ path: f.path, content: f.lines.join('\n') + '\n' })));
  const sideBranches = 4;
  const perSide = 500;
  const mainCommits = COMMITS - 1 - sideBranches * perSide;
  for (let c = 1; c <= mainCommits; c++) {
    const changes = [];
    for (let k = 0; k < CHANGES_PER_COMMIT; k++) {
      const file = files[Math.floor(random() * files.length)];
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) file.lines[Math.floor(random() * file.lines.length)] = codeLine(random);
      if (random() < 0.3) file.lines.push(codeLine(random));
      changes.push({ path: file.path, content: file.lines.join('\n') + '\n' });
    }
    if (c % 700 === 0) {
      // A dedicated leak file: one blob, one key; every other one is deleted 300 commits later.
      const key = fakeStripeKey(random);
      const path = `config/leak-${c}.env`;
      changes.push({ path, content: `# settings\nSTRIPE_SECRET_KEY=${key}\nDEBUG=false\n` });
      planted.push({ key, path, deleted: c % 1400 === 0 });
      if (c % 1400 === 0) leakFiles.set(c + 300, path);
    }
    if (c % 5000 === 2500) {
      // A key pasted into a living file, removed again 50 commits later (many blobs carry it meanwhile).
      const file = files[c % files.length];
      const key = fakeStripeKey(random);
      file.lines.splice(3, 0, `  const stripe = new Stripe("${key}");`);
      changes.push({ path: file.path, content: file.lines.join('\n') + '\n' });
      planted.push({ key, path: file.path, deleted: true, inLivingFile: true });
      leakFiles.set(c + 50, { file, key });
    }
    const due = leakFiles.get(c);
    if (due !== undefined) {
      leakFiles.delete(c);
      if (typeof due === 'string') changes.push({ path: due, delete: true });
      else {
        due.file.lines = due.file.lines.filter((line) => !line.includes(due.key));
        changes.push({ path: due.file.path, content: due.file.lines.join('\n') + '\n' });
      }
    }
    main = commitTo('refs/heads/main', main, `change ${c}`, changes);
    if (c % 4000 === 0) branchTips.set(`refs/tags/v${c / 4000}.0`, main);
    if (c === Math.floor(mainCommits / 2)) branchTips.set('fork', main);
  }
  for (let s = 0; s < sideBranches; s++) {
    let tip = branchTips.get('fork');
    for (let c = 0; c < perSide; c++) {
      const file = files[Math.floor(random() * files.length)];
      const lines = [...file.lines];
      lines[Math.floor(random() * lines.length)] = codeLine(random);
      lines.push(`// side ${s} ${c}`);
      tip = commitTo(`refs/heads/side-${s}`, tip, `side ${s} change ${c}`, [{ path: file.path, content: lines.join('\n') + '\n' }]);
    }
  }
  for (const [ref, at] of branchTips) if (ref.startsWith('refs/tags/')) out(`reset ${ref}\nfrom :${at}\n\n`);
  flush();
  closeSync(fd);
  const input = openSync(streamPath, 'r');
  git(dir, ['fast-import', '--quiet'], { stdio: [input, 'pipe', 'pipe'] });
  closeSync(input);
  rmSync(streamPath);
  git(dir, ['reset', '-q', '--hard', 'main']);
  git(dir, ['repack', '-a', '-d', '-q']);
  return planted;
}

function buildStagedRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const random = rng(99);
  const parts = ['commit refs/heads/main\nauthor B <b@example.com> 1600000000 +0000\ncommitter B <b@example.com> 1600000000 +0000\ndata 7\nimport\n'];
  for (let i = 0; i < 10_000; i++) {
    const content = Array.from({ length: 40 }, () => codeLine(random)).join('\n') + '\n';
    parts.push(`M 100644 inline dir${i % 100}/file${i}.js\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  }
  git(dir, ['fast-import', '--quiet'], { input: parts.join('') });
  git(dir, ['reset', '-q', '--hard', 'main']);
  git(dir, ['config', 'user.name', 'B']);
  git(dir, ['config', 'user.email', 'b@example.com']);
  for (let i = 0; i < 5; i++) {
    const path = join(dir, `dir${i}`, `file${i * 100 + i}.js`);
    writeFileSync(path, `${readFileSync(path, 'utf8')}${codeLine(random)}\n// edited ${i}\n`);
  }
  git(dir, ['add', '-A']);
}

function timed(command, args, options = {}) {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const started = process.hrtime.bigint();
  const result = timeBin
    ? spawnSync(timeBin, ['-f', '%M %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: gitEnv, ...options })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: gitEnv, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [rssKb, user, system] = timeBin ? String(result.stderr).trim().split('\n').at(-1).split(' ').map(Number) : [NaN, NaN, NaN];
  return { seconds, cpu: user + system, rssMb: rssKb / 1024, status: result.status, stderr: String(result.stderr) };
}

function sh(script, cwd) {
  return timed('sh', ['-c', script], { cwd });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

mkdirSync(benchDir, { recursive: true });
const givenRepo = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
let historyRepo;
let planted;
if (givenRepo !== undefined) {
  historyRepo = givenRepo;
  // bench/make-history-repo.mjs leaves the planted keys' hashes beside the repository.
  const plantedBeside = join(dirname(givenRepo), `${basename(givenRepo)}.planted.json`);
  planted = existsSync(plantedBeside) ? JSON.parse(readFileSync(plantedBeside, 'utf8')).planted : undefined;
} else {
  historyRepo = join(benchDir, 'history-repo');
  const plantedFile = join(benchDir, 'history-planted.json');
  const stamp = `${VERSION}:${COMMITS}`;
  if (existsSync(plantedFile) && JSON.parse(readFileSync(plantedFile, 'utf8')).stamp === stamp && existsSync(historyRepo)) {
    planted = JSON.parse(readFileSync(plantedFile, 'utf8')).planted;
  } else {
    const started = Date.now();
    process.stdout.write(`building ${historyRepo} (${COMMITS} commits)… `);
    planted = buildHistoryRepo(historyRepo);
    writeFileSync(plantedFile, JSON.stringify({ stamp, planted }));
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  planted = planted.map((p) => ({ ...p, sha256: createHash('sha256').update(p.key).digest('hex') }));
}

const commits = Number(git(historyRepo, ['rev-list', '--all', '--count']).trim());
let blobs = 0;
let blobBytes = 0;
for (const line of git(historyRepo, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)'], { maxBuffer: 1 << 30 }).split('\n')) {
  if (!line.startsWith('blob ')) continue;
  blobs++;
  blobBytes += Number(line.slice(5));
}
const packBytes = Number(/size-pack: (\d+)/.exec(git(historyRepo, ['count-objects', '-v']))[1]) * 1024;
console.log(
  `repository: ${historyRepo}\n  ${commits} commits, ${blobs} blobs (${(blobBytes / 1073741824).toFixed(2)} GB unique), pack ${(packBytes / 1048576).toFixed(0)} MB; ${cpus().length} cores; git ${git(historyRepo, ['--version']).trim().replace('git version ', '')}`,
);

// Warm the page cache with the pack files (cheap), then one run of each, in the same load conditions.
sh('cat "$(git rev-parse --git-dir)"/objects/pack/*.pack > /dev/null', historyRepo);
const load = () => loadavg()[0].toFixed(1);
const loads = [load()];
const catFile = sh('git cat-file --batch-all-objects --batch --unordered > /dev/null', historyRepo);
loads.push(load());
const logP = sh('git log -p --all > /dev/null', historyRepo);
loads.push(load());
const reportPath = join(benchDir, 'history.json');
const keyward = timed(process.execPath, [cli, 'scan', '--history', historyRepo, '--format', 'json', '--output', reportPath, '--quiet'], { cwd: root });
loads.push(load());
if (keyward.status !== 1 && keyward.status !== 0) console.log(`keyward exited ${keyward.status}: ${keyward.stderr}`);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const found = new Set(report.findings.map((f) => f.secretSha256));
// A low-entropy generic secret is identified by its scrypt hash (`secretHash`), a key by its SHA-256.
const distinct = new Set(report.findings.map((f) => `${f.ruleId}\0${f.secretHash ?? f.secretSha256}`)).size;
const mb = report.stats.bytesScanned / 1048576;

const row = (name, run, extra = '') => console.log(`  ${name.padEnd(56)} ${run.seconds.toFixed(2).padStart(8)} s wall ${run.cpu.toFixed(2).padStart(8)} s cpu${extra}`);
console.log(`\nfull history (one run each; load average ${loads.join(' → ')} on ${cpus().length} cores):`);
row('git cat-file --batch-all-objects --batch --unordered', catFile, `   peak RSS ${catFile.rssMb.toFixed(0)} MB`);
row('git log -p --all', logP);
row('keyward scan --history', keyward, `   peak RSS ${keyward.rssMb.toFixed(0)} MB`);
console.log(`  keyward: ${report.stats.blobsScanned} blobs, ${mb.toFixed(1)} MB matched, ${(mb / keyward.seconds).toFixed(1)} MB/s; ${report.findings.length} findings for ${distinct} distinct (rule, secret)`);
const catRatio = keyward.seconds / catFile.seconds;
const logRatio = keyward.seconds / logP.seconds;
const verdict = (ok) => (ok ? 'met' : 'MISSED');
console.log(`  keyward / cat-file:   ${catRatio.toFixed(2)}x wall, ${(keyward.cpu / catFile.cpu).toFixed(2)}x cpu (target <= 1.3x: ${verdict(catRatio <= 1.3)})`);
console.log(`  keyward / git log -p: ${logRatio.toFixed(2)}x wall, ${(keyward.cpu / logP.cpu).toFixed(2)}x cpu (target <= 0.8x: ${verdict(logRatio <= 0.8)})`);
console.log(`  keyward peak RSS (the process and its git children, largest): ${keyward.rssMb.toFixed(0)} MB (target <= 400 MB: ${verdict(keyward.rssMb <= 400)})`);
console.log(`  one finding per distinct secret: ${verdict(distinct === report.findings.length)}`);
if (planted !== undefined) {
  const missed = planted.filter((p) => !found.has(p.sha256));
  console.log(
    `  planted keys: ${planted.length - missed.length}/${planted.length} found (${planted.filter((p) => p.deleted || p.removed).length} of them deleted later)${missed.length > 0 ? `; MISSED ${missed.map((m) => m.path).join(', ')}` : ''}`,
  );
  const bySecret = new Map(report.findings.map((f) => [f.secretSha256, f]));
  const wrongStatus = planted.filter((p) => p.removed !== undefined && bySecret.has(p.sha256) && bySecret.get(p.sha256).status !== (p.removed ? 'removed' : 'present'));
  if (planted.some((p) => p.removed !== undefined)) {
    console.log(`  status (present/removed) as planted: ${planted.length - missed.length - wrongStatus.length}/${planted.length - missed.length}${wrongStatus.length > 0 ? `; WRONG for ${wrongStatus.map((w) => w.path).join(', ')}` : ''}`);
  }
}
if (givenRepo !== undefined) process.exit(0);

const stagedRepo = join(benchDir, 'staged-repo');
buildStagedRepo(stagedRepo);
const stagedTimes = [];
for (let i = 0; i < 11; i++) {
  const run = timed(process.execPath, [cli, 'scan', '--staged', '--quiet'], { cwd: stagedRepo });
  if (run.status !== 0) console.log(`keyward scan --staged exited ${run.status}: ${run.stderr}`);
  if (i > 0) stagedTimes.push(run.seconds * 1000);
}
const nodeStart = median(Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '0']).seconds * 1000));
const cliStart = median(Array.from({ length: 5 }, () => timed(process.execPath, [cli, '--version']).seconds * 1000));
const diffTime = median(Array.from({ length: 5 }, () => sh('git diff --cached -U0 > /dev/null', stagedRepo).seconds * 1000));
const stagedMedian = median(stagedTimes);
console.log('\npre-commit (10k-file repository, 5 staged files):');
console.log(`  keyward scan --staged median of 10: ${stagedMedian.toFixed(0)} ms (target <= 150 ms: ${verdict(stagedMedian <= 150)})`);
console.log(`  for scale: node startup ${nodeStart.toFixed(0)} ms, git diff --cached ${diffTime.toFixed(0)} ms, a command through the argument parser (keyward --version, which hook scans skip) ${cliStart.toFixed(0)} ms`);
