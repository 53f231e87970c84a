// The counters live with the sources that fill most of them; this path stays for existing imports.
export { addStats, emptyStats, nothingScanned, type ScanStats } from '../sources/stats.js';
