import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../engine/index.js';
import type { Finding } from '../engine/finding.js';
import { emptyStats } from '../sources/stats.js';
import type { ScanTask, TaskResult, WorkerSetup } from './pool.js';
import { scanBytesChunk, scanFileChunk } from './scan-chunk.js';

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
  const findings: Finding[] = [];
  if (task.kind === 'files') {
    for (const file of task.files) findings.push(...scanFileChunk(engine, file, task.policy, stats, warn));
  } else {
    for (const chunk of task.chunks) {
      const data = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
      findings.push(...scanBytesChunk(engine, { data, origin: chunk.origin }, task.unit, stats));
    }
  }
  return { findings, warnings, stats };
}
