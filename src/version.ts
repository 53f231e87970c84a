import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
  homepage?: string;
};

export const TOOL_NAME = 'keyward';
export const TOOL_VERSION = manifest.version;
export const TOOL_URI = 'https://github.com/keyward/keyward';
