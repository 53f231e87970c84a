export { DEFAULT_MAX_FILE_SIZE, scan, type ScanOptions, type ScanResult } from './scan.js';
export { loadRuleSet, loadRuleSetup, type RuleOptions, type RuleSetup } from './config.js';
export { needsRawSecrets, verifyFindings, type VerifyOptions } from './verify.js';
export { dropAllowlistedCommits, hideBaselined, recordBaseline, sortFindings } from './stages.js';
export { groupIncidents } from './group-incidents.js';
// Source requests are plain data; their types come from the registry so a new source extends them.
export type { SourceName, SourceOptions, SourceRequest } from '../sources/registry.js';
export type { HistorySelection } from '../sources/history.js';
