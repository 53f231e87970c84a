import type { Argv, CommandModule } from 'yargs';
import { checkRules, formatProblem } from '../rules/check.js';
import { loadRules } from '../rules/load.js';
import { runImportGitleaks } from './import-gitleaks.js';
import { processIo } from './io.js';

interface RulesArgs {
  rules?: string;
  format?: 'text' | 'json';
}

export const rulesCommand: CommandModule<object, RulesArgs> = {
  command: 'rules <command>',
  describe: 'Check or list detection rules',
  builder: (yargs) =>
    (yargs as Argv<RulesArgs>)
      .option('rules', { type: 'string', describe: 'Rules directory or file (default: the built-in rules)' })
      .command({
        command: 'check',
        describe: 'Compile every rule with RE2 and run its examples and negative examples',
        builder: (y) =>
          y.example('$0 rules check', 'Check the built-in rules').example('$0 rules check --rules ./my-rules', 'Check your own rules'),
        handler: (argv) => {
          const args = argv as RulesArgs;
          const io = processIo();
          const result = checkRules(args.rules);
          for (const problem of result.problems) io.stderr(`keyward: ${formatProblem(problem)}\n`);
          if (result.problems.length > 0) {
            io.stderr(`keyward: ${result.problems.length} problem(s) in ${result.rules.length} rules\n`);
            process.exitCode = 2;
            return;
          }
          io.stdout(`${result.rules.length} rules ok, ${result.examplesRun} examples checked\n`);
          process.exitCode = 0;
        },
      })
      .command({
        command: 'list',
        describe: 'List rules: id, severity, keywords, name',
        builder: (y) =>
          y
            .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
            .example('$0 rules list', 'Show the built-in rules')
            .example('$0 rules list --format json', 'As JSON'),
        handler: (argv) => {
          const args = argv as RulesArgs;
          const io = processIo();
          const rules = loadRules(args.rules);
          if (args.format === 'json') {
            io.stdout(`${JSON.stringify(rules.map(({ id, name, severity, tags, keywords }) => ({ id, name, severity, tags, keywords })), null, 2)}\n`);
          } else {
            const width = Math.max(...rules.map((rule) => rule.id.length));
            for (const rule of rules) io.stdout(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${rule.name}\n`);
            io.stdout(`${rules.length} rules\n`);
          }
          process.exitCode = 0;
        },
      })
      .command({
        command: 'import-gitleaks <file>',
        describe: 'Convert a gitleaks TOML config to keyward rules (rules RE2 rejects are named, and exit 2)',
        builder: (y) =>
          y
            .positional('file', { type: 'string', demandOption: true, describe: 'The gitleaks config (.toml)' })
            .option('output', { alias: 'o', type: 'string', describe: 'Write DIR/gitleaks.yml (and DIR/gitleaks.keyward.json for allowlists) instead of stdout' })
            .example('$0 rules import-gitleaks .gitleaks.toml -o keyward-rules', 'Import, then scan with --config keyward-rules/gitleaks.keyward.json or --rules keyward-rules'),
        handler: (argv) => {
          const { file, output } = argv as unknown as { file: string; output?: string };
          process.exitCode = runImportGitleaks(file, output, processIo());
        },
      })
      .demandCommand(1, 'name a rules command: check, list or import-gitleaks') as unknown as Argv<RulesArgs>,
  handler: () => {},
};
