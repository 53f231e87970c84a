// Deterministic, source-like corpus with planted fake keys, shared by the benchmarks.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const WORDS = ('const let var function return import export from default class extends new this async await if else for while '
  + 'switch case break continue try catch finally throw typeof instanceof value result options config request response error '
  + 'handler callback promise resolve reject buffer stream index length items user account session token cache client server '
  + 'payload header status message logger metrics queue worker parse format render update delete create select insert where').split(' ');

export function rng(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
}

const pick = (random, list) => list[Math.floor(random() * list.length)];
const randomString = (random, alphabet, length) => Array.from({ length }, () => pick(random, alphabet)).join('');

export function plantedKeys(random) {
  return [
    `sk_live_51${randomString(random, ALNUM, 30)}`,
    `AKIA${randomString(random, BASE32, 16)}`,
    `whsec_${randomString(random, ALNUM, 32)}`,
    `xoxb-${1000000000 + Math.floor(random() * 8e9)}-${1000000000 + Math.floor(random() * 8e9)}-${randomString(random, ALNUM, 24)}`,
    `glpat-${randomString(random, ALNUM, 20)}`,
  ];
}

function sourceLine(random, depth) {
  const indent = '  '.repeat(depth);
  switch (Math.floor(random() * 8)) {
    case 0: return `${indent}const ${pick(random, WORDS)}${Math.floor(random() * 100)} = await ${pick(random, WORDS)}.${pick(random, WORDS)}(${pick(random, WORDS)}, { ${pick(random, WORDS)}: ${Math.floor(random() * 10000)} });`;
    case 1: return `${indent}if (${pick(random, WORDS)}.${pick(random, WORDS)} !== undefined && ${pick(random, WORDS)}.length > ${Math.floor(random() * 64)}) {`;
    case 2: return `${indent}// ${Array.from({ length: 6 + Math.floor(random() * 10) }, () => pick(random, WORDS)).join(' ')}`;
    case 3: return `${indent}logger.info("${pick(random, WORDS)} ${pick(random, WORDS)} %s", ${pick(random, WORDS)}Id, '${randomString(random, ALNUM, 8)}');`;
    case 4: return `${indent}return ${pick(random, WORDS)}.map((${pick(random, WORDS)}) => ${pick(random, WORDS)}.${pick(random, WORDS)} * ${Math.floor(random() * 1000)});`;
    case 5: return `${indent}export function ${pick(random, WORDS)}${pick(random, WORDS)}(${pick(random, WORDS)}, ${pick(random, WORDS)} = "${pick(random, WORDS)}") {`;
    case 6: return `${indent}${pick(random, WORDS)}_${pick(random, WORDS)}: "${randomString(random, 'abcdef0123456789', 32)}",`;
    default: return `${indent}}`;
  }
}

/**
 * Writes about `totalMegabytes` of files under `dir` (once: a marker file records what was made), and
 * returns the planted keys so a benchmark can check they were all found.
 */
export function makeCorpus(dir, totalMegabytes = 200, seed = 42) {
  const marker = join(dir, 'CORPUS.json');
  if (existsSync(marker)) {
    const made = JSON.parse(readFileSync(marker, 'utf8'));
    if (made.totalMegabytes === totalMegabytes && made.seed === seed) return made;
  }
  const random = rng(seed);
  const target = totalMegabytes * 1024 * 1024;
  const planted = [];
  let bytes = 0;
  let files = 0;
  while (bytes < target) {
    const folder = join(dir, `pkg${files % 97}`, `mod${Math.floor(files / 97) % 13}`);
    mkdirSync(folder, { recursive: true });
    const size = Math.floor(2000 + random() ** 3 * 120000);
    const lines = [];
    let length = 0;
    while (length < size) {
      const line = sourceLine(random, Math.floor(random() * 4));
      lines.push(line);
      length += line.length + 1;
    }
    if (files % 50 === 7) {
      const key = pick(random, plantedKeys(random));
      planted.push(key);
      lines.splice(Math.floor(random() * lines.length), 0, `  apiKey: "${key}",`);
    }
    const text = `${lines.join('\n')}\n`;
    writeFileSync(join(folder, `file${files}.${pick(random, ['ts', 'js', 'py', 'go', 'yml'])}`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  const made = { totalMegabytes, seed, files, bytes, planted };
  writeFileSync(marker, JSON.stringify(made));
  return made;
}
