import { KeywardError } from '../errors.js';

/** A config file that cannot be used: names the file, and the line and field where known. */
export class ConfigError extends KeywardError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, detail: string, line?: number, hint?: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`, hint === undefined ? {} : { hint });
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
  }
}
