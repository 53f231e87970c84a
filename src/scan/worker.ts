import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, scanChunk } from '../engine/index.js';
import type { Finding } from '../engine/finding.js';
import type { ScanTask, TaskResult, WorkerSetup } from './pool.js';
import { scanFile } from './scan-file.js';
import { emptyStats } from './stats.js';

const setup = workerData as WorkerSetup;
const engine = createEngine(setup.rules, setup.engineOptions);

parentPort!.on('message', ({ id, task }: { id: number; task: ScanTask }) => {
  try {
    parentPort!.postMessage({ id, result: run(task) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

function run(task: ScanTask): TaskResult {
  const stats = emptyStats();
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  if (task.kind === 'files') {
    const findings: Finding[] = [];
    for (const file of task.files) findings.push(...scanFile(engine, file, task.options, stats, warn));
    return { findings, warnings, stats };
  }
  const perChunk = task.chunks.map(({ data, origin }) => {
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    stats.bytesScanned += buffer.length;
    stats.blobsScanned++;
    const found = scanChunk(engine, buffer, origin, stats);
    stats.findings += found.length;
    return found;
  });
  return { findings: perChunk.flat(), perChunk, warnings, stats };
}
