import { setFlagsFromString } from 'node:v8';

/**
 * V8 doubles a thread's young generation whenever much of it survives a scavenge, and a history scan's
 * main thread keeps state for every blob: it grew to 48 MB of mostly garbage, and the process peaked at
 * 390-400 MB on a 2.65 GB history instead of 300-340 MB, at no gain in speed. V8 reads the growth factor
 * each time it would grow, so from here on the main thread keeps the size it has; workers, whose heaps are
 * made later, start near the 16 MB src/scan/pool.ts caps them to, which they need (held at the minimum,
 * their scavenges cost a scan 10% more CPU). History scans only: a pre-commit hook held from its first
 * byte paid 15-25 ms more in scavenges while it loaded.
 */
export function holdYoungGenerations(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--min-semi-space-size=5');
}
