// `npm run fuzz [-- --count N --seed S --target NAME]`: mutation fuzzing of everything keyward parses from
// untrusted hands: rule files, .keyward.yml, gitleaks TOMLs, scanned content (with decoding) and the
// webhook server's request bodies, plus directed nasty cases (alias bombs, 5,000-deep nesting, huge
// numbers, invalid UTF-8, pathological regexes). A crash is an error that is not a KeywardError (what the
// CLI would print as "internal error"), a server answer outside its documented statuses or a dead server,
// or a hang (an input that takes longer than --hang-ms). Each target runs in a worker thread so a hang can
// be stopped and named. Crashing inputs are written to fuzz-crashes/ (git-ignored).
import { spawn } from 'node:child_process';
import { generateKeyPairSync, createPublicKey, createHash, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = ['rule-file', 'config-yaml', 'gitleaks-toml', 'content', 'webhook'];
/** Share of the inputs each target gets. */
const WEIGHTS = { 'rule-file': 0.2, 'config-yaml': 0.15, 'gitleaks-toml': 0.15, content: 0.4, webhook: 0.1 };

// ---------------------------------------------------------------- seeds and mutations (plain data)

const RULE_SEED = `rules:
  - id: acme-token
    name: Acme token
    description: An Acme API token.
    severity: high
    tags: [acme]
    keywords: [acme_]
    pattern: '(acme_[A-Za-z0-9]{32})'
    entropy: 3.0
    examples:
      - text: 'TOKEN=acme_0123456789abcdefghijABCDEFGHIJkl'
        secret: acme_0123456789abcdefghijABCDEFGHIJkl
      - text: 'x = "acme_ZYXWVUTSRQPONMLKJIHGFEDCBA987654"'
        secret: acme_ZYXWVUTSRQPONMLKJIHGFEDCBA987654
    negative_examples:
      - 'acme_short'
      - 'acme_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
`;

const CONFIG_SEED = `rules:
  disable: [generic-secret-assignment]
allowlist:
  paths: ["vendor/**", "*.lock"]
  regexes: ['^EXAMPLE']
  stopwords: [sandbox]
rule_allowlists:
  stripe-secret-key-live:
    line_regexes: ['test_mode']
max_file_size: 10MB
decode:
  depth: 2
  max_bytes: 1MB
inline_ignores: true
custom_rules:
  - id: widget-key
    name: Widget key
    description: A widget key.
    severity: medium
    keywords: [wk_]
    pattern: '(wk_[0-9a-f]{24})'
    examples:
      - text: 'WIDGET=wk_0123456789abcdef01234567'
        secret: wk_0123456789abcdef01234567
      - text: 'w("wk_fedcba9876543210fedcba98")'
        secret: wk_fedcba9876543210fedcba98
    negative_examples:
      - 'wk_123'
      - 'wk_zzzzzzzzzzzzzzzzzzzzzzzz'
`;

const TOML_SEED = `title = "team config"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme_api_token"
description = "Acme API token"
regex = '''\\b(acme_[a-zA-Z0-9]{32})\\b'''
keywords = ["acme_"]
entropy = 3.0
secretGroup = 1
  [rules.allowlist]
  regexes = ['''acme_0{32}''']
  stopwords = ["example"]

[[allowlists]]
targetRules = ["acme_api_token"]
paths = ['''vendor/''']
`;

const CONTENT_SEEDS = [
  'STRIPE_SECRET_KEY=sk_live_51HqLyjFAKEa7b9QdXk2Lm4Np6Rs8Tu0Vw\nDB_PASSWORD="Rk8vQ2p9Lm4xTz7w"\n',
  'const token = "ghp_FAKE0123456789abcdefghijABCDEFGHIJ";\n// keyward:allow\n',
  'Authorization: Basic dXNlcjpodW50ZXIyMg==\nurl = "postgres://app:Zx81Qw72Ab46@db.internal:5432/app"\n',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlRkFLRWZha2VGQUtF\n',
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n',
  Buffer.from('c2tfbGl2ZV81MUhxTHlqRkFLRWE3YjlRZFhrMkxtNE5wNlJzOFR1MFZ3', 'utf8').toString() + '\n%73%6b%5f%6c%69%76%65%5f\n',
];

const WEBHOOK_SEED = JSON.stringify([
  { token: 'acme_live_FAKEFAKE_0123456789abcdefghijABCDEFGHIJklmnopqrstu', type: 'acme_api_key', url: 'https://github.com/o/r/blob/abc/f.env', source: 'content' },
  { token: 'unknown_token_value', type: 'acme_api_key', url: 'https://gist.github.com/x', source: 'gist' },
]);

/** Text that breaks parsers: YAML anchors and tags, template syntax, regex metacharacters, huge numbers. */
const NASTY = [
  '&a', '*a', '<<: *a', '!!binary', '!!js/function', '? ', '{{', '}}', '${', '\u0000', '\uFFFF', '\uD800', '\u202e',
  '1e309', '-0', '99999999999999999999999999', 'NaN', '0x7fffffff', '(?=x)', '\\1', '(a*)*b', '{1000000}', '[[:alpha:]]',
  '(?P<n>x)', '\\p{Greek}', '(((((((((((', ']]]]]]', '"""', "'''", '\r\n', '\t', '- - - -', ': :', '#', '---', '...',
  '=', '[[rules]]', '[extend]', 'regex = ', 'keywords = []', 'path = ', '%00', '%ff', '==', 'AAAA====', '\\u0000',
];

function rng(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function mutate(seed, random, others = []) {
  let bytes = Buffer.from(seed, 'utf8');
  const rounds = 1 + Math.floor(random() * 4);
  for (let round = 0; round < rounds; round++) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 8)) {
      case 0: // flip a byte
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256);
        break;
      case 1: // insert a nasty token
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(NASTY[Math.floor(random() * NASTY.length)], 'utf8'), bytes.subarray(at)]);
        break;
      case 2: // delete a run
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + Math.floor(random() * 40))]);
        break;
      case 3: // duplicate a run
        {
          const end = Math.min(bytes.length, at + Math.floor(random() * 200));
          bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
        }
        break;
      case 4: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 5: // splice with another seed
        if (others.length > 0) {
          const other = Buffer.from(others[Math.floor(random() * others.length)], 'utf8');
          const from = Math.floor(random() * other.length);
          bytes = Buffer.concat([bytes.subarray(0, at), other.subarray(from, from + Math.floor(random() * 300))]);
        }
        break;
      case 6: // invalid UTF-8
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28, 0xf0, 0x9f, 0x92, 0xff, 0xfe]), bytes.subarray(at)]);
        break;
      default: // change a number
        bytes = Buffer.from(bytes.toString('latin1').replace(/\d+/, () => String(Math.floor(random() * 1e12))), 'latin1');
    }
  }
  return bytes;
}

/** Directed cases: each is deterministic and aimed at one known way parsers fall over. */
export function directedCases() {
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let previous = 'a';
  for (const name of 'bcdefghi') {
    bomb.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    previous = name;
  }
  const deepYaml = `${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const deepMap = Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i % 200)}k${i}:`).join('\n');
  const deepJson = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
  const deepToml = `a = ${'['.repeat(5000)}1${']'.repeat(5000)}\n`;
  const rule = (pattern) => RULE_SEED.replace("'(acme_[A-Za-z0-9]{32})'", `'${pattern}'`);
  return [
    { target: 'config-yaml', name: 'alias bomb', input: `${bomb.join('\n')}\nrules: {disable: *i}\n` },
    { target: 'rule-file', name: 'alias bomb', input: `${bomb.join('\n')}\nrules: *i\n` },
    { target: 'config-yaml', name: '5000-deep flow sequence', input: `allowlist: ${deepYaml}` },
    { target: 'config-yaml', name: '5000 nested block keys', input: deepMap },
    { target: 'rule-file', name: '5000-deep flow sequence', input: `rules: ${deepYaml}` },
    { target: 'gitleaks-toml', name: '5000-deep array', input: deepToml },
    { target: 'webhook', name: '5000-deep JSON', input: deepJson },
    { target: 'webhook', name: 'huge number token', input: '[{"token": 1e309, "type": "x"}]' },
    { target: 'webhook', name: 'not an array', input: '{"token": "x"}' },
    { target: 'webhook', name: 'invalid UTF-8', input: Buffer.from([0x5b, 0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x5d]) },
    { target: 'config-yaml', name: 'huge max_file_size', input: 'max_file_size: 99999999999999999999999999999999\n' },
    { target: 'config-yaml', name: 'huge decode depth', input: 'decode: {depth: 1e308}\n' },
    { target: 'rule-file', name: 'lookahead', input: rule('(?=acme_)(acme_[a-z]{32})') },
    { target: 'rule-file', name: 'backreference', input: rule('(a)\\\\1') },
    { target: 'rule-file', name: 'nested quantifiers', input: rule('((a*)*)*(acme_[a-z]{32})') },
    { target: 'rule-file', name: 'huge repeat', input: rule('(acme_[a-z]{1000000})') },
    { target: 'rule-file', name: 'huge entropy', input: RULE_SEED.replace('entropy: 3.0', 'entropy: 1e309') },
    { target: 'gitleaks-toml', name: 'lookahead regex', input: TOML_SEED.replace("\\b(acme_[a-zA-Z0-9]{32})\\b", '(?!x)(acme_.{32})') },
    { target: 'gitleaks-toml', name: 'huge secretGroup', input: TOML_SEED.replace('secretGroup = 1', 'secretGroup = 99999999999') },
    { target: 'content', name: 'invalid UTF-8 around a key', input: Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(CONTENT_SEEDS[0]), Buffer.from([0xed, 0xa0, 0x80])]) },
    { target: 'content', name: '1 MB of base64', input: Buffer.from('A'.repeat(3 << 18)).toString('base64') },
    { target: 'content', name: 'nested base64 x6', input: Array.from({ length: 6 }).reduce((text) => Buffer.from(text).toString('base64'), CONTENT_SEEDS[0]) },
    { target: 'content', name: '200k keyword repeats', input: 'password=x '.repeat(200_000) },
    { target: 'content', name: 'one 2 MB line', input: `${'a'.repeat(2 << 20)}sk_live_51HqLyjFAKEa7b9QdXk2Lm4Np6Rs8Tu0Vw` },
  ];
}

// ---------------------------------------------------------------- the worker: runs one target's inputs

async function runTarget({ target, inputs, tempRoot }) {
  const { KeywardError } = await import('../dist/errors.js');
  const { parseRuleFile } = await import('../dist/rules/load.js');
  const { checkLoadedRules } = await import('../dist/rules/check.js');
  const { loadConfig, applyConfigToRules } = await import('../dist/config/load.js');
  const { importGitleaksConfig } = await import('../dist/config/gitleaks.js');
  const { createEngine, scanChunk } = await import('../dist/engine/index.js');
  const { loadRules } = await import('../dist/rules/load.js');
  const builtin = target === 'content' || target === 'config-yaml' ? loadRules() : [];
  const engine = target === 'content' ? createEngine(builtin, { revealSecrets: false, noise: { decode: { depth: 4, maxBytes: 1 << 20 } } }) : undefined;
  const expected = (error) => error instanceof KeywardError;

  const runOne = async (raw, index) => {
    // Buffers arrive from the main thread as plain Uint8Arrays.
    const input = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const text = typeof input === 'string' ? input : input.toString('utf8');
    switch (target) {
      case 'rule-file': {
        const rules = parseRuleFile('fuzz.yml', text);
        checkLoadedRules(rules);
        return;
      }
      case 'config-yaml': {
        const file = join(tempRoot, `config-${index % 64}.yml`);
        writeFileSync(file, input);
        applyConfigToRules(builtin, loadConfig(file));
        return;
      }
      case 'gitleaks-toml': {
        const imported = importGitleaksConfig('fuzz.toml', text);
        checkLoadedRules(imported.rules.map((rule) => ({ ...rule, examples: [], negativeExamples: [] })));
        return;
      }
      case 'content':
        scanChunk(engine, typeof input === 'string' ? Buffer.from(input, 'utf8') : input, { path: `fuzz/${index}.env` });
        return;
      default:
        throw new Error(`unknown target ${target}`);
    }
  };

  for (let index = 0; index < inputs.length; index++) {
    parentPort.postMessage({ kind: 'start', index });
    try {
      await runOne(inputs[index], index);
    } catch (error) {
      if (!expected(error)) {
        parentPort.postMessage({ kind: 'crash', index, message: String(error?.stack ?? error).split('\n').slice(0, 4).join(' | ') });
      }
    }
  }
  parentPort.postMessage({ kind: 'done' });
}

if (!isMainThread) {
  await runTarget(workerData);
}

// ---------------------------------------------------------------- the webhook target: a real server

async function fuzzWebhook(inputs, hangMs) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-fuzz-serve-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const identifier = createHash('sha256').update(spki).digest('hex');
  writeFileSync(join(dir, 'public-keys.json'), JSON.stringify({ public_keys: [{ key_identifier: identifier, key: publicKey.export({ type: 'spki', format: 'pem' }), is_current: true }] }));
  const db = join(dir, 'keys.db');
  const cli = join(ROOT, 'bin', 'keyward.js');
  await new Promise((resolve, reject) => {
    const init = spawn(process.execPath, [cli, 'keys', 'init', '--db', db, '--prefix', 'acme_live_'], { stdio: 'ignore' });
    init.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`keys init exited ${code}`))));
  });
  const child = spawn(process.execPath, [cli, 'serve', '--db', db, '--public-keys', join(dir, 'public-keys.json'), '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited;
  child.once('exit', (code, signal) => (exited = `serve exited (${code ?? signal})`));
  const base = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      if (stderr.length > 1 << 20) stderr = stderr.slice(-4096);
      const match = /serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`keyward serve did not start: ${stderr.slice(0, 400)}`)));
  });
  // Answers the server documents for a leak report; anything else (5xx above all) is a crash.
  const allowed = new Set([200, 202, 400, 401, 403, 413, 415, 422, 429]);
  const crashes = [];
  let hangs = 0;
  for (let index = 0; index < inputs.length; index++) {
    const body = Buffer.isBuffer(inputs[index]) ? inputs[index] : Buffer.from(inputs[index], 'utf8');
    const headers = { 'content-type': 'application/json', 'github-public-key-identifier': identifier, 'github-public-key-signature': sign('sha256', body, { key: privateKey, dsaEncoding: 'der' }).toString('base64') };
    try {
      const response = await fetch(`${base}/v1/leaks`, { method: 'POST', headers, body, signal: AbortSignal.timeout(hangMs) });
      await response.arrayBuffer();
      if (!allowed.has(response.status)) crashes.push({ index, message: `HTTP ${response.status}` });
    } catch (error) {
      if (error?.name === 'TimeoutError') {
        hangs++;
        crashes.push({ index, message: `no answer in ${hangMs} ms` });
      } else {
        crashes.push({ index, message: exited ?? `request failed: ${error?.cause?.message ?? error}` });
      }
      if (exited) break;
    }
  }
  child.kill('SIGTERM');
  await new Promise((resolve) => (exited ? resolve() : child.once('exit', resolve)));
  rmSync(dir, { recursive: true, force: true });
  return { run: inputs.length, crashes, hangs };
}

// ---------------------------------------------------------------- the main thread: plan, run, report

function seedsOf(target) {
  switch (target) {
    case 'rule-file':
      return [RULE_SEED];
    case 'config-yaml':
      return [CONFIG_SEED];
    case 'gitleaks-toml':
      return [TOML_SEED];
    case 'webhook':
      return [WEBHOOK_SEED];
    default:
      return CONTENT_SEEDS;
  }
}

function inputsFor(target, count, seed) {
  const random = rng(seed ^ createHash('sha256').update(target).digest().readUInt32BE(0));
  const seeds = seedsOf(target);
  const inputs = [];
  for (let i = 0; i < count; i++) inputs.push(mutate(seeds[Math.floor(random() * seeds.length)], random, seeds));
  return inputs;
}

function runInWorker(target, inputs, hangMs, tempRoot) {
  return new Promise((resolve) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { target, inputs, tempRoot } });
    const crashes = [];
    let current = -1;
    let hangs = 0;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        hangs++;
        crashes.push({ index: current, message: `hang: no progress in ${hangMs} ms` });
        await worker.terminate();
        // Go on after the hanging input, in a fresh worker.
        const rest = await runInWorker(target, inputs.slice(current + 1), hangMs, tempRoot);
        resolve({ run: inputs.length, hangs: hangs + rest.hangs, crashes: [...crashes, ...rest.crashes.map((c) => ({ ...c, index: c.index + current + 1 }))] });
      }, hangMs);
    };
    arm();
    worker.on('message', (message) => {
      if (message.kind === 'start') {
        current = message.index;
        arm();
      } else if (message.kind === 'crash') {
        crashes.push({ index: message.index, message: message.message });
      } else if (message.kind === 'done') {
        clearTimeout(timer);
        void worker.terminate();
        resolve({ run: inputs.length, hangs, crashes });
      }
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      crashes.push({ index: current, message: `worker died: ${error.message}` });
      resolve({ run: inputs.length, hangs, crashes });
    });
  });
}

export async function fuzz({ count, seed, targets = TARGETS, hangMs = 10_000, directed = true, log = () => {} }) {
  const tempRoot = mkdtempSync(join(tmpdir(), 'keyward-fuzz-'));
  const results = {};
  try {
    for (const target of targets) {
      const share = targets.length === 1 ? count : Math.max(1, Math.round(count * WEIGHTS[target]));
      const cases = directed ? directedCases().filter((c) => c.target === target) : [];
      const inputs = [...cases.map((c) => c.input), ...inputsFor(target, share, seed)];
      const started = performance.now();
      const result = target === 'webhook' ? await fuzzWebhook(inputs, hangMs) : await runInWorker(target, inputs, hangMs, tempRoot);
      result.crashes = result.crashes.map((crash) => ({ ...crash, input: inputs[crash.index], directed: crash.index < cases.length ? cases[crash.index].name : undefined }));
      results[target] = { ...result, seconds: (performance.now() - started) / 1000 };
      log(`${target.padEnd(14)} ${String(result.run).padStart(7)} inputs  ${String(result.crashes.length).padStart(3)} crashes  ${String(result.hangs).padStart(2)} hangs  ${results[target].seconds.toFixed(1)} s`);
    }
  } finally {
    rmSync(tempRoot, { recursive: true, force: true });
  }
  return results;
}

function parseArgs(argv) {
  const options = { count: 100_000, seed: Date.now() & 0x7fffffff, targets: TARGETS, hangMs: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--count') options.count = Number(value());
    else if (flag === '--seed') options.seed = Number(value());
    else if (flag === '--target') options.targets = value().split(',');
    else if (flag === '--hang-ms') options.hangMs = Number(value());
    else throw new Error(`unknown option ${flag}`);
  }
  for (const target of options.targets) if (!TARGETS.includes(target)) throw new Error(`unknown target ${target} (one of ${TARGETS.join(', ')})`);
  if (!Number.isInteger(options.count) || options.count < 1) throw new Error('--count takes a positive whole number');
  return options;
}

if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`fuzz: ${error.message}`);
    process.exit(2);
  }
  console.log(`keyward fuzz: ${options.count} inputs (+ directed cases), seed ${options.seed}, targets ${options.targets.join(', ')}`);
  const results = await fuzz({ ...options, log: (line) => console.log(line) });
  const crashes = Object.entries(results).flatMap(([target, result]) => result.crashes.map((crash) => ({ target, ...crash })));
  const total = Object.values(results).reduce((sum, result) => sum + result.run, 0);
  if (crashes.length > 0) {
    const dir = join(ROOT, 'fuzz-crashes');
    mkdirSync(dir, { recursive: true });
    crashes.forEach((crash, n) => {
      writeFileSync(join(dir, `${crash.target}-${options.seed}-${n}.input`), crash.input ?? '');
      console.log(`crash ${n + 1}: ${crash.target}${crash.directed ? ` (directed: ${crash.directed})` : ''} input ${crash.index}: ${crash.message}`);
    });
  }
  console.log(`${total} inputs run, ${crashes.length} crashes (inputs in fuzz-crashes/ when any)`);
  process.exit(crashes.length === 0 ? 0 : 1);
}
