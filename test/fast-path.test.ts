import { describe, expect, it } from 'vitest';
import { hookScanArgs } from '../src/cli/fast-path.js';

describe('the hooks\' fast path past the argument parser', () => {
  it('takes the hook command lines', () => {
    expect(hookScanArgs(['scan', '--staged'])).toMatchObject({ staged: true, paths: ['.'], format: 'text', redact: true, quiet: false });
    expect(hookScanArgs(['scan', '--pre-push', '-q', 'sub/dir'])).toMatchObject({ prePush: true, quiet: true, paths: ['sub/dir'] });
    expect(hookScanArgs(['scan', '--staged', '--format', 'json', '--config', 'k.yml', '--baseline', 'b.json'])).toMatchObject({ format: 'json', config: 'k.yml', baseline: 'b.json' });
  });

  it('leaves everything else to yargs', () => {
    for (const argv of [
      ['scan'],
      ['scan', '--history'],
      ['scan', '--staged', '--pre-push'],
      ['scan', '--staged', '--no-redact'],
      ['scan', '--staged', '--format', 'xml'],
      ['scan', '--staged', '--format'],
      ['scan', '--staged', '--config'],
      ['scan', '--staged', 'a', 'b'],
      ['scan', '--staged', '--help'],
      ['rules', 'check'],
      [],
    ]) {
      expect(hookScanArgs(argv), argv.join(' ')).toBeUndefined();
    }
  });
});
