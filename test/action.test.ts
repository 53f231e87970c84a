import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { sarifValidator } from './sarif-schema.js';
import { fakeRandom, REPO_ROOT, tempDir } from './helpers.js';

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

interface ActionFile {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionFile;
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Runs the composite action's shell steps the way a runner does: `${{ }}` expressions resolved from
 * inputs, github context and earlier step outputs; GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files.
 * `uses:` steps (setup-node, upload-sarif) are recorded, not run; so is the install step, which the
 * packed-tarball test covers and which would prune this checkout's devDependencies.
 */
function runAction(workspace: string, inputs: Record<string, string>) {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) values[name] = inputs[name] ?? spec.default ?? '';
  const stepOutputs: Record<string, Record<string, string>> = {};
  const summaryFile = join(workspace, '..', `summary-${Object.keys(stepOutputs).length}-${Date.now()}.md`);
  writeFileSync(summaryFile, '');
  const skipped: string[] = [];
  const resolve = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => evaluate(expression));
  const evaluate = (expression: string): string => {
    const and = expression.split('&&');
    if (and.length > 1) return String(and.every((part) => evaluate(part.trim()) === 'true'));
    const comparison = /^(.+?)\s*(==|!=)\s*'([^']*)'$/.exec(expression);
    if (comparison) {
      const left = evaluate(comparison[1]!.trim());
      return String(comparison[2] === '==' ? left === comparison[3] : left !== comparison[3]);
    }
    let match;
    if ((match = /^inputs\.([\w-]+)$/.exec(expression))) return values[match[1]!] ?? '';
    if (expression === 'github.action_path') return REPO_ROOT;
    if (expression === 'github.workspace') return workspace;
    if ((match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression))) return stepOutputs[match[1]!]?.[match[2]!] ?? '';
    throw new Error(`unsupported expression ${expression}`);
  };
  for (const step of action.runs.steps) {
    if (step.if !== undefined && evaluate(step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, '')) !== 'true') continue;
    if (step.uses !== undefined || step.name === 'Install keyward') {
      skipped.push(step.uses ?? step.name);
      continue;
    }
    const outputFile = join(workspace, '..', `output-${step.id ?? 'step'}-${Date.now()}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      NO_COLOR: '1',
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
    };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = resolve(value);
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: resolve(step['working-directory'] ?? workspace),
      env,
      encoding: 'utf8',
    });
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    if (step.id !== undefined) stepOutputs[step.id] = outputs;
    if (result.status !== 0) {
      return { failedStep: step.name, status: result.status, stderr: result.stderr, stepOutputs, skipped, summary: readFileSync(summaryFile, 'utf8') };
    }
  }
  return { failedStep: undefined, status: 0, stderr: '', stepOutputs, skipped, summary: readFileSync(summaryFile, 'utf8') };
}

function git(cwd: string, ...args: string[]) {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}


describe('action.yml', () => {
  it('is a composite action that passes inputs to shell steps only through env', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) {
      if (step.run !== undefined) expect(step.run, step.name).not.toMatch(/\$\{\{/);
    }
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['baseline', 'category', 'config', 'fail-on-findings', 'format', 'mode', 'path', 'sarif-file', 'upload-sarif', 'verify-hashes'].sort(),
    );
    expect(action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBeDefined();
  });

  const key = `sk_live_51${fakeRandom(ALNUM, 30, 41)}`;

  it('worktree mode: writes valid SARIF, sets outputs, writes a summary and fails on findings', () => {
    const workspace = join(tempDir(), 'ws');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src', 'pay.js'), `const stripe = "${key}";\n`);
    const result = runAction(workspace, {});
    expect(result.failedStep).toBe('Fail on findings');
    expect(result.stepOutputs['summarize']).toEqual({ 'findings-count': '1', 'sarif-file': 'keyward.sarif' });
    expect(result.skipped).toEqual(['actions/setup-node@v4', 'Install keyward', 'github/codeql-action/upload-sarif@v3']);
    const sarif = JSON.parse(readFileSync(join(workspace, 'keyward.sarif'), 'utf8')) as { runs: { automationDetails: { id: string } }[] };
    expect(sarifValidator()(sarif)).toBe(true);
    expect(sarif.runs[0]!.automationDetails.id).toBe('keyward/worktree/');
    expect(result.summary).toContain('| critical | `stripe-secret-key-live` |');
    expect(result.summary).toContain('`src/pay.js:1`');
    expect(result.summary).not.toContain(key);
  });

  it('history mode: finds a key deleted from HEAD, and fail-on-findings false lets the job pass', () => {
    const workspace = join(tempDir(), 'repo');
    mkdirSync(workspace);
    git(workspace, 'init', '-q');
    git(workspace, 'config', 'user.email', 'dev@example.com');
    git(workspace, 'config', 'user.name', 'Dev');
    git(workspace, 'config', 'commit.gpgsign', 'false');
    writeFileSync(join(workspace, 'app.env'), `STRIPE=${key}\n`);
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'add config');
    writeFileSync(join(workspace, 'app.env'), 'STRIPE=\n');
    git(workspace, 'commit', '-qam', 'remove key');
    const result = runAction(workspace, { mode: 'history', 'fail-on-findings': 'false', 'upload-sarif': 'false', 'sarif-file': 'history.sarif' });
    expect(result.failedStep).toBeUndefined();
    expect(result.stepOutputs['summarize']?.['findings-count']).toBe('1');
    const sarif = JSON.parse(readFileSync(join(workspace, 'history.sarif'), 'utf8')) as { runs: { automationDetails: { id: string } }[] };
    expect(sarifValidator()(sarif)).toBe(true);
    expect(sarif.runs[0]!.automationDetails.id).toBe('keyward/history/');
    expect(result.skipped).not.toContain('github/codeql-action/upload-sarif@v3');
  });

  it('a clean tree passes with findings-count 0', () => {
    const workspace = join(tempDir(), 'clean');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'index.js'), 'export {};\n');
    const result = runAction(workspace, { 'upload-sarif': 'false' });
    expect(result.failedStep).toBeUndefined();
    expect(result.stepOutputs['summarize']?.['findings-count']).toBe('0');
    expect(result.summary).toContain('No secrets found.');
  });

  it('rejects an unknown mode with a one-line error', () => {
    const workspace = join(tempDir(), 'bad');
    mkdirSync(workspace);
    const result = runAction(workspace, { mode: 'everything' });
    expect(result.failedStep).toBe('Scan');
    expect(result.stderr).toContain("mode must be worktree, history or BASE..HEAD, not 'everything'");
  });
});
