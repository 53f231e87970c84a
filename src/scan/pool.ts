import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from '../engine/index.js';
import type { Finding, Origin } from '../engine/finding.js';
import type { Rule } from '../rules/types.js';
import type { ReadPolicy } from '../sources/read.js';
import type { ScanStats } from '../sources/stats.js';
import type { FileChunk } from '../sources/types.js';

export type ScanTask =
  | { kind: 'files'; files: FileChunk[]; policy: ReadPolicy }
  | { kind: 'chunks'; chunks: { data: Uint8Array; origin: Origin }[]; unit: 'files' | 'blobs' };

export interface TaskResult {
  findings: Finding[];
  warnings: string[];
  stats: ScanStats;
}

export interface WorkerSetup {
  rules: Rule[];
  engineOptions: EngineOptions;
}

/**
 * Under vitest the sources run as TypeScript, but a worker thread needs JavaScript: it always runs the
 * built worker, so `npm test` builds first.
 */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/scan/worker.js', import.meta.url)
    : new URL('./worker.js', import.meta.url);
}

/** Each worker's young generation (see the constructor). */
const YOUNG_GENERATION_MB = 16;

export function defaultThreadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

interface Pending {
  resolve: (result: TaskResult) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed pool of worker threads, each with its own compiled matcher. Tasks go to the least busy
 * worker; `submit` resolves when the task's findings are back. The caller bounds how many it keeps in
 * flight, which is the backpressure that keeps memory flat while a source streams.
 */
export class ScanPool {
  readonly size: number;
  readonly #workers: { worker: Worker; inFlight: Map<number, Pending> }[] = [];
  #nextId = 0;
  #failure: Error | undefined;

  constructor(size: number, setup: WorkerSetup) {
    this.size = size;
    for (let i = 0; i < size; i++) {
      // V8 grows a busy thread's young generation to 128 MB, nearly all of it garbage between scavenges; 16 MB
      // keeps each worker's heap near its live data (about 30 MB) for the same speed (scavenges cost what survives).
      const worker = new Worker(workerUrl(), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      const inFlight = new Map<number, Pending>();
      worker.on('message', (message: { id: number; result?: TaskResult; error?: string }) => {
        const pending = inFlight.get(message.id);
        if (pending === undefined) return;
        inFlight.delete(message.id);
        if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve(message.result!);
      });
      worker.on('error', (error) => this.#fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.#fail(new Error(`scan worker exited with code ${code}`));
      });
      this.#workers.push({ worker, inFlight });
    }
  }

  get inFlight(): number {
    return this.#workers.reduce((sum, entry) => sum + entry.inFlight.size, 0);
  }

  submit(task: ScanTask): Promise<TaskResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    const target = this.#workers.reduce((least, entry) => (entry.inFlight.size < least.inFlight.size ? entry : least));
    const id = this.#nextId++;
    return new Promise<TaskResult>((resolve, reject) => {
      target.inFlight.set(id, { resolve, reject });
      // Chunks may share one ArrayBuffer (history batches blobs into one); each is transferred once. A
      // SharedArrayBuffer is shared as it is, never transferred.
      const transfer = task.kind === 'chunks' ? [...new Set(task.chunks.map((chunk) => chunk.data.buffer))].filter((buffer) => buffer instanceof ArrayBuffer) : [];
      target.worker.postMessage({ id, task }, transfer);
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const { inFlight } of this.#workers) {
      for (const pending of inFlight.values()) pending.reject(error);
      inFlight.clear();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}
