import { describe, expect, it } from 'vitest';
import { createEngine, scanChunk } from '../../src/engine/index.js';
import { originalOffset, urlLines } from '../../src/engine/lockfile.js';
import { loadRules } from '../../src/rules/load.js';
import { fakeChecksummedToken, fakeRandom } from '../helpers.js';
import { ALNUM, expectCases, fake, scanFiles } from './util.js';

const BASE64 = `${ALNUM}+/`;

describe('generic credentials in lockfiles', () => {
  it('credentials inside URLs are found: userinfo in a resolved URL, a token parameter', () => {
    const [a, b, c, d] = [fake(16, 901), fake(24, 902), fake(14, 903), fake(18, 904)];
    expectCases('package-lock.json', [
      { text: `      "resolved": "https://ci-bot:${a}@npm.internal.example/repository/npm/left-pad/-/left-pad-1.3.0.tgz",`, secret: a, rule: 'generic-url-credentials' },
      { text: `      "resolved": "https://npm.internal.example/left-pad/-/left-pad-1.3.0.tgz?access_token=${b}",`, secret: b, rule: 'generic-url-query-secret' },
      { text: `      "integrity": "sha512-${fakeRandom(BASE64, 86, 905)}=="` },
      { text: '    "node_modules/js-tokens": {' },
      { text: '      "resolved": "https://registry.npmjs.org/path-key/-/path-key-3.1.1.tgz",' },
    ]);
    expectCases('yarn.lock', [
      { text: `  resolved "https://deploy:${c}@git.internal.example/team/lib.git#4f1c2e7"`, secret: c },
      { text: 'js-tokens@^4.0.0:' },
      { text: '  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#19203fb59991df98e3a287050d4647cdeaf32499"' },
    ]);
    expectCases('Cargo.lock', [
      { text: `source = "git+https://builder:${d}@git.internal.example/team/crate.git?rev=1a2b3c4"`, secret: d },
      { text: 'checksum = "b94d2fa2c1b8e3a6a3e3b7c1d0f2e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1"' },
    ]);
  });

  it('lockfile lines without a URL are not read; the same lines elsewhere are, and line numbers stay the file\'s', () => {
    const inUrl = fakeChecksummedToken('ghp_', 30, 906);
    const bare = fakeChecksummedToken('ghp_', 30, 908);
    const password = fake(16, 907);
    const lines = [
      '{',
      '  "packages": {',
      `    "node_modules/x": { "password": "${password}", "token": "${bare}" },`,
      '    "node_modules/private-lib": {',
      `      "integrity": "sha512-${fakeRandom(BASE64, 86, 909)}==",`,
      `      "resolved": "git+https://${inUrl}@github.com/acme/private-lib.git#4f1c2e7"`,
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const { findings, status, stderr } = scanFiles({ 'package-lock.json': lines, 'config/app.json': lines });
    expect(status, stderr).toBe(1);
    const found = (path: string) => findings.filter((f) => f.path === path).map((f) => `${f.line} ${f.ruleId} ${f.secret}`).sort();
    expect(found('package-lock.json')).toEqual([`6 github-personal-access-token ${inUrl}`]);
    expect(found('config/app.json')).toEqual([`3 generic-secret-assignment ${password}`, `3 github-personal-access-token ${bare}`, `6 github-personal-access-token ${inUrl}`].sort());
  });

  it('maps every offset of the URL lines back to the chunk, and finds what the whole chunk finds there', () => {
    const token = fakeChecksummedToken('ghp_', 30, 910);
    const text = ['a', `x https://${token}@h/1`, 'b', 'c', `y https://h/2?access_token=${fake(24, 911)}`, 'z https://h/3'].join('\n');
    const data = Buffer.from(text);
    const view = urlLines(data);
    expect(view.data.toString()).toBe(`x https://${token}@h/1\ny https://h/2?access_token=${text.split('access_token=')[1]!.split('\n')[0]}\nz https://h/3`);
    for (let offset = 0; offset < view.data.length; offset++) expect(data[originalOffset(view, offset)]).toBe(view.data[offset]);
    // An end at a line's end maps to that line's end, not to the next line's start.
    const firstEnd = view.viewStarts[1]! - 1;
    expect(originalOffset(view, firstEnd, true)).toBe(data.indexOf('\n', data.indexOf('x https')));
    const none = urlLines(Buffer.from('no urls here\n'));
    expect([none.data.length, originalOffset(none, 0)]).toEqual([0, 0]);
    const engine = createEngine(loadRules(), { revealSecrets: true });
    const where = (path: string) => scanChunk(engine, data, { path }).map((f) => `${f.ruleId} ${f.line}:${f.column} ${f.secret}`).sort();
    expect(where('Cargo.lock')).toEqual(where('notes.txt'));
    expect(where('Cargo.lock').some((f) => f.startsWith(`github-personal-access-token 2:`))).toBe(true);
  });
});
