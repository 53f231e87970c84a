/**
 * vitest globalSetup: every CLI run through `runCli` (test/helpers.ts) is logged, and after the last test the
 * whole log is held to what issue 16 asks of keyward's output. A violation fails the run, naming the command.
 *  - no control character (other than line breaks and tabs): paths and commit subjects are escaped;
 *  - no line that GitHub Actions would run as a workflow command (`::…`);
 *  - no raw key that a provider rule would find, except where the user asked for one (`--no-redact`) or the
 *    command's job is to hand one over (`keys create`/`rotate`), or where keyward quotes a rule's own
 *    example back to its author (`rules check`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-output-audit-'));
  const log = join(dir, 'outputs.jsonl');
  process.env['KEYWARD_TEST_OUTPUT_LOG'] = log;
  return async () => {
    let text = '';
    try {
      text = readFileSync(log, 'utf8');
    } catch {
      // No CLI run logged (a filtered run): nothing to audit.
    }
    rmSync(dir, { recursive: true, force: true });
    const problems = await audit(text);
    if (problems.length > 0) throw new Error(`output audit: ${problems.length} problem(s) in what the CLI printed:\n${problems.slice(0, 20).join('\n')}`);
  };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

async function audit(text: string): Promise<string[]> {
  const { scanText } = (await import('../dist/index.js')) as typeof import('../src/index.js');
  const problems: string[] = [];
  let runs = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    runs++;
    const { args, stdout, stderr } = JSON.parse(line) as { args: string[]; stdout: string; stderr: string };
    const command = `keyward ${args.join(' ').slice(0, 160)}`;
    for (const [name, output] of [['stdout', stdout], ['stderr', stderr]] as const) {
      if (CONTROL.test(output)) problems.push(`${command}: a raw control character on ${name}`);
      if (output.split('\n').some((printed) => printed.trimStart().startsWith('::'))) problems.push(`${command}: a workflow command on ${name}`);
    }
    const revealing = args.includes('--no-redact') || (args[0] === 'keys' && ['create', 'rotate'].includes(args[1] ?? '')) || args[0] === 'rules';
    if (revealing) continue;
    const leaked = scanText(`${stdout}\n${stderr}`).filter((finding) => !finding.ruleId.startsWith('generic') && !isIdentifier(finding.ruleId));
    for (const finding of leaked) problems.push(`${command}: printed a raw ${finding.ruleId} (line ${finding.line} of its output)`);
  }
  if (runs === 0) return problems;
  return problems;
}

/** Rules for identifiers that are not secret alone (an AWS key id, a Twilio SID): reports show them in full by design. */
function isIdentifier(ruleId: string): boolean {
  return /(?:^|-)(?:access-key-id|account-sid|client-id|app-id|id)$/.test(ruleId);
}
