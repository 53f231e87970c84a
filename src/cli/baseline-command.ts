import type { Argv, CommandModule } from 'yargs';
import { pruneBaseline, readBaseline, writeBaseline } from '../baseline/index.js';
import { parseSize, processIo } from './io.js';
import { NOISE_OPTIONS, type NoiseArgs } from './noise-options.js';

interface BaselineArgs extends NoiseArgs {
  baseline: string;
  paths: string[];
  rules?: string;
  maxFileSize?: string | number;
  ignoreFiles: boolean;
  threads?: number;
}

/** `keyward baseline prune --baseline FILE [PATHS]`: rescan, and keep only entries whose secret is still there. */
export const baselineCommand: CommandModule<object, BaselineArgs> = {
  command: 'baseline <command>',
  describe: 'Maintain a baseline of accepted findings',
  builder: (yargs) =>
    (yargs as Argv<BaselineArgs>)
      .command({
        command: 'prune [paths..]',
        describe: 'Rescan PATHS (as the baseline was made) and drop entries whose secret is gone',
        builder: (y) =>
          y
            .positional('paths', { type: 'string', array: true, default: ['.'], describe: 'Files or directories to rescan' })
            .option('baseline', { type: 'string', demandOption: true, describe: 'The baseline file to prune (rewritten in place)' })
            .option('config', NOISE_OPTIONS.config)
            .option('rules', { type: 'string', describe: 'Load rules from DIR instead of the built-in rules' })
            .option('max-file-size', { type: 'string', describe: 'Skip larger files (default: the config, else 10MB)' })
            .option('ignore-files', { type: 'boolean', default: true, describe: 'Honour .gitignore and .keywardignore' })
            .option('threads', { type: 'number', describe: 'Worker threads' })
            .example('$0 baseline prune --baseline .keyward-baseline.json', 'Drop entries for keys that were removed'),
        handler: async (argv) => {
          const args = argv as unknown as BaselineArgs;
          const io = processIo();
          const entries = readBaseline(args.baseline);
          const { scan } = await import('../pipeline/index.js');
          const result = await scan({
            source: { source: 'worktree', options: { paths: args.paths, ignoreFiles: args.ignoreFiles } },
            ...(args.config === undefined ? {} : { config: args.config }),
            ...(args.rules === undefined ? {} : { extraRules: [args.rules] }),
            ...(args.maxFileSize === undefined ? {} : { maxFileSize: parseSize(args.maxFileSize, '--max-file-size') }),
            ...(args.threads === undefined ? {} : { threads: Math.max(1, Math.floor(args.threads)) }),
            onWarning: (message) => io.stderr(`keyward: warning: ${message}\n`),
          });
          const { kept, removed } = pruneBaseline(entries, result.report.findings);
          writeBaseline(args.baseline, kept);
          for (const entry of removed) io.stderr(`keyward: pruned ${entry.path} ${entry.ruleId} ${entry.secretSha256.slice(0, 12)}\n`);
          io.stdout(`baseline ${args.baseline}: kept ${kept.length}, pruned ${removed.length}\n`);
          process.exitCode = 0;
        },
      })
      .demandCommand(1, 'name a baseline command: prune') as unknown as Argv<BaselineArgs>,
  handler: () => {},
};
