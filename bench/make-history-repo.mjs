// node bench/make-history-repo.mjs DIR [--gb 2] [--commits 50000]
//
// A big, deterministic history for bench/history.mjs, written with one `git fast-import` stream (no
// working tree, no per-commit process). The mix is what real repositories carry: many small source files
// edited a few lines at a time, configs, lockfiles that are rewritten whole, minified bundles, binaries
// (random bytes: they neither compress nor delta), renames, branches merged back, tags, and fake keys
// planted in configs and source (some deleted later, some arriving on a branch). The keys are fake: their
// bodies are random and hold FAKE. Writes DIR/../<name>.planted.json listing each planted key's SHA-256.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
// xorshift32 (the same repository on every machine), shared with the working-tree corpus.
import { rng } from './corpus.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const dir = resolve(args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '.bench/big-history');
const TARGET_BYTES = option('gb', 2) * 1024 ** 3;
const COMMITS = option('commits', 50_000);
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

const random = rng(0x6b657977);
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (n) => Math.floor(random() * n);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const IDENT = 'value result config client request response handler error data items index count user token name path options state cache queue buffer stream parser logger session record entry target source'.split(' ');
const KEYWORDS = 'const let return await async function export import from default new this if else for while switch case break throw try catch'.split(' ');

function randomText(n, alphabet = ALNUM) {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[int(alphabet.length)];
  return out;
}

function codeLine() {
  const kind = int(6);
  const a = pick(IDENT);
  const b = pick(IDENT);
  if (kind === 0) return `  ${pick(KEYWORDS)} ${a}${int(100)} = ${b}.${pick(IDENT)}(${int(100000)});`;
  if (kind === 1) return `  if (${a} !== undefined && ${b}.length > ${int(64)}) return ${a};`;
  if (kind === 2) return `  // ${a} ${b} ${pick(IDENT)}: ${pick(KEYWORDS)} ${pick(IDENT)} before ${pick(IDENT)}`;
  if (kind === 3) return `  for (const ${a} of ${b}s) ${pick(IDENT)}.push(${a}.${pick(IDENT)});`;
  if (kind === 4) return `  ${a}.${b} = await fetch${pick(IDENT)}("${pick(IDENT)}/${int(1000)}", { timeout: ${int(9000)} });`;
  return `  export function ${a}${b}${int(1000)}(${pick(IDENT)}, ${pick(IDENT)}) { return ${pick(IDENT)}; }`;
}

/** Fake Stripe-style live key (the bench only needs keyward's rules to see one). */
function fakeKey() {
  return `sk_live_51${randomText(6)}FAKE${randomText(22)}`;
}

// ---- the tree being built, file by file --------------------------------------------------------------
const files = new Map(); // path -> { kind, lines?: string[], bytes?: Buffer }
const planted = [];
const pendingDeletes = new Map(); // commit number -> [{ path, key }]

function sourceFile(lines = 40 + int(260)) {
  return { kind: 'source', lines: Array.from({ length: lines }, codeLine) };
}
function lockfile() {
  const lines = ['{', '  "name": "app",', '  "lockfileVersion": 3,', '  "packages": {'];
  const count = 800 + int(2500);
  for (let i = 0; i < count; i++) {
    const name = `${pick(IDENT)}-${pick(IDENT)}-${i}`;
    lines.push(`    "node_modules/${name}": {`, `      "version": "${int(20)}.${int(40)}.${int(90)}",`, `      "resolved": "https://registry.npmjs.org/${name}/-/${name}.tgz",`, `      "integrity": "sha512-${randomText(86)}=="`, '    },');
  }
  lines.push('  }', '}');
  return { kind: 'lock', lines };
}
function minified() {
  const parts = [];
  const target = 100_000 + int(400_000);
  let size = 0;
  while (size < target) {
    const part = `function ${randomText(2)}(${randomText(1)},${randomText(1)}){return ${randomText(1)}.${pick(IDENT)}(${int(999)})||${randomText(1)}}var ${randomText(3)}="${randomText(12)}";`;
    parts.push(part);
    size += part.length;
  }
  return { kind: 'min', lines: [parts.join('')] };
}
function binary() {
  const size = 20_000 + int(400_000);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32LE((random() * 4294967296) >>> 0, Math.min(i, size - 4));
  bytes[0] = 0x89;
  bytes[1] = 0x50;
  bytes[2] = 0x4e;
  bytes[3] = 0x47;
  bytes[8] = 0;
  return { kind: 'bin', bytes };
}
function config(key) {
  const lines = ['# service settings', `PORT=${3000 + int(1000)}`, `LOG_LEVEL=${pick(['info', 'debug', 'warn'])}`, `REGION=eu-${int(4)}`];
  if (key !== undefined) lines.splice(1 + int(3), 0, `STRIPE_SECRET_KEY=${key}`);
  return { kind: 'config', lines };
}
const content = (file) => (file.bytes !== undefined ? file.bytes : Buffer.from(`${file.lines.join('\n')}\n`));

for (let i = 0; i < 3000; i++) files.set(`pkg${i % 60}/src/${pick(IDENT)}-${i}.ts`, sourceFile());
for (let i = 0; i < 6; i++) files.set(`apps/app${i}/package-lock.json`, lockfile());
for (let i = 0; i < 4; i++) files.set(`apps/app${i}/dist/bundle.min.js`, minified());
for (let i = 0; i < 30; i++) files.set(`assets/img${i}.png`, binary());
for (let i = 0; i < 40; i++) files.set(`config/service${i}.env`, config());

// ---- the stream --------------------------------------------------------------------------------------
if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
await run('git', ['init', '-q', '-b', 'main', dir]);
const importer = spawn('git', ['fast-import', '--quiet', '--depth=50'], { cwd: dir, env: gitEnv, stdio: ['pipe', 'inherit', 'inherit'] });
const importerDone = new Promise((ok, fail) => importer.on('close', (code) => (code === 0 ? ok() : fail(new Error(`git fast-import exited ${code}`)))));
let queued = [];
let queuedBytes = 0;
let written = 0;
async function out(chunk) {
  queued.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  queuedBytes += chunk.length;
  if (queuedBytes > 4 << 20) await flush();
}
async function flush() {
  const data = Buffer.concat(queued);
  queued = [];
  queuedBytes = 0;
  if (!importer.stdin.write(data)) await new Promise((ok) => importer.stdin.once('drain', ok));
}

let mark = 0;
let time = 1_500_000_000;
const authors = ['Ann Dev <ann@example.com>', 'Bo Ops <bo@example.com>', 'Cy Web <cy@example.com>', 'Di Data <di@example.com>'];
async function commit(ref, parents, message, changes) {
  mark++;
  time += 60 + int(3000);
  const author = pick(authors);
  await out(`commit ${ref}\nmark :${mark}\nauthor ${author} ${time} +0000\ncommitter ${author} ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`);
  if (parents[0] !== undefined) await out(`from :${parents[0]}\n`);
  for (const parent of parents.slice(1)) await out(`merge :${parent}\n`);
  for (const change of changes) {
    if (change.delete) await out(`D ${change.path}\n`);
    else if (change.rename) await out(`R ${change.from} ${change.path}\n`);
    else {
      const data = change.data;
      written += data.length;
      await out(`M 100644 inline ${change.path}\ndata ${data.length}\n`);
      await out(data);
      await out('\n');
    }
  }
  return mark;
}

/** One ordinary change to the working set: what most commits are. */
function editSome(count) {
  const changes = [];
  const paths = [...files.keys()];
  for (let k = 0; k < count; k++) {
    const roll = random();
    let path;
    if (roll < 0.012) path = `apps/app${int(6)}/package-lock.json`;
    else if (roll < 0.016) path = `apps/app${int(4)}/dist/bundle.min.js`;
    else if (roll < 0.019) path = `assets/img${int(30)}.png`;
    else path = pick(paths);
    const file = files.get(path);
    if (file.kind === 'lock') files.set(path, lockfile());
    else if (file.kind === 'min') files.set(path, minified());
    else if (file.kind === 'bin') files.set(path, binary());
    else {
      const edits = 1 + int(4);
      for (let e = 0; e < edits; e++) {
        const at = int(file.lines.length);
        // A planted key stays until its planned removal, so the planted list says which keys are still there.
        if (file.lines[at].includes('sk_live_')) continue;
        file.lines[at] = file.kind === 'config' ? `OPTION_${int(99)}=${int(1e6)}` : codeLine();
      }
      if (random() < 0.4) file.lines.splice(int(file.lines.length), 0, file.kind === 'config' ? `FLAG_${int(99)}=on` : codeLine());
    }
    changes.push({ path, data: content(files.get(path)) });
  }
  return changes;
}

function plant(where, commitNumber, { deleteAfter, branch } = {}) {
  const key = fakeKey();
  let path;
  if (where === 'config') {
    path = `config/secret-${commitNumber}.env`;
    files.set(path, config(key));
  } else {
    path = pick([...files.keys()].filter((p) => files.get(p).kind === 'source'));
    const file = files.get(path);
    file.lines.splice(int(file.lines.length), 0, `  const stripe = new Stripe("${key}");`);
  }
  const entry = { sha256: createHash('sha256').update(key).digest('hex'), path, commit: commitNumber, removed: false, branch: branch ?? 'main' };
  planted.push(entry);
  if (deleteAfter !== undefined) {
    const due = commitNumber + deleteAfter;
    pendingDeletes.set(due, [...(pendingDeletes.get(due) ?? []), { path, key, where, entry }]);
  }
  return { path, data: content(files.get(path)) };
}

const started = Date.now();
let main;
{
  const changes = [...files.entries()].map(([path, file]) => ({ path, data: content(file) }));
  main = await commit('refs/heads/main', [], 'initial import\n', changes);
}
let branchCount = 0;
for (let c = 1; c < COMMITS; c++) {
  const remaining = COMMITS - c;
  // Pace the unique bytes: edit more files per commit when behind the target.
  const behind = TARGET_BYTES * (c / COMMITS) - written;
  const count = 1 + int(4) + (behind > 0 ? Math.min(12, Math.ceil(behind / 2_000_000)) : 0);
  const changes = editSome(count);
  if (c % 997 === 0) changes.push(plant('config', c, c % 2 === 0 ? { deleteAfter: 400 } : {}));
  if (c % 2503 === 0) changes.push(plant('source', c, { deleteAfter: 60 }));
  if (c % 1201 === 0) {
    const victim = pick([...files.keys()].filter((p) => files.get(p).kind === 'source'));
    const renamed = victim.replace(/\.ts$/, `-moved${c}.ts`);
    files.set(renamed, files.get(victim));
    files.delete(victim);
    changes.push({ rename: true, from: victim, path: renamed });
  }
  for (const due of pendingDeletes.get(c) ?? []) {
    const live = [...files.entries()].find(([, file]) => file.lines?.some((line) => line.includes(due.key)));
    if (live === undefined) continue;
    const [path, file] = live;
    // Marked when it happens: a removal planned past the last commit never does.
    due.entry.removed = true;
    if (due.where === 'config') {
      files.delete(path);
      changes.push({ path, delete: true });
    } else {
      file.lines = file.lines.filter((line) => !line.includes(due.key));
      changes.push({ path, data: content(file) });
    }
  }
  pendingDeletes.delete(c);
  main = await commit('refs/heads/main', [main], `change ${c}: ${pick(IDENT)} ${pick(IDENT)}\n`, changes);

  // A feature branch every ~500 commits: a few commits of its own, merged back (some carry a key).
  if (c % 500 === 250 && remaining > 20) {
    const ref = `refs/heads/feature-${++branchCount}`;
    let tip = main;
    const merged = new Map();
    for (let b = 0; b < 5; b++) {
      const own = editSome(2);
      if (b === 2 && branchCount % 3 === 0) own.push(plant('config', c, { branch: ref.slice('refs/heads/'.length) }));
      tip = await commit(ref, [tip], `feature ${branchCount} step ${b}\n`, own);
      for (const change of own) merged.set(change.path, change);
    }
    // fast-import takes a merge's tree from its first parent plus the changes listed: list the branch's.
    main = await commit('refs/heads/main', [main, tip], `Merge branch 'feature-${branchCount}'\n`, [...merged.values()]);
    // Merged branches are mostly deleted; keep every fourth, like a real repository's stale branches.
    if (branchCount % 4 !== 0) await out(`reset ${ref}\nfrom 0000000000000000000000000000000000000000\n\n`);
  }
  if (c % 5000 === 0) await out(`reset refs/tags/v${c / 5000}.0\nfrom :${main}\n\n`);
  if (c % 5000 === 0) console.error(`  ${c}/${COMMITS} commits, ${(written / 1024 ** 3).toFixed(2)} GB of blobs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
await flush();
importer.stdin.end();
await importerDone;
await run('git', ['-C', dir, 'reset', '-q', '--soft', 'main']);
console.error(`packing (git repack -a -d)…`);
await run('git', ['-C', dir, 'repack', '-a', '-d', '-q']);
const plantedFile = join(dirname(dir), `${basename(dir)}.planted.json`);
writeFileSync(plantedFile, `${JSON.stringify({ commits: COMMITS, bytes: written, planted }, null, 1)}\n`);
console.error(`done: ${COMMITS}+ commits, ${(written / 1024 ** 3).toFixed(2)} GB of blob versions written, ${planted.length} keys planted (${plantedFile}), ${((Date.now() - started) / 1000).toFixed(0)} s`);

function run(command, argv) {
  return new Promise((ok, fail) => {
    const child = spawn(command, argv, { env: gitEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`${command} ${argv.join(' ')} exited ${code}`))));
  });
}
