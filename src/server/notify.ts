import { createHmac } from 'node:crypto';
import type { Issuer } from '../issuer/issuer.js';

export interface OwnerNotifierOptions {
  issuer: Issuer;
  /** The owner's endpoint. */
  url: string;
  /** Shared secret for the HMAC-SHA-256 signature. */
  secret: string;
  /** Attempts before giving up; default 6 (about a minute of backoff). */
  attempts?: number;
  /** First retry delay, doubled each time; default 1000 ms. */
  baseDelayMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface OwnerNotifier {
  notify(keyId: string, details: Record<string, unknown>): Promise<void>;
  /** Resolves when no delivery is pending. */
  idle(): Promise<void>;
  /**
   * For a shutdown: no new attempt starts; an attempt in flight may finish until `graceMs` has passed, then
   * it is cut off. Every pending notice is recorded (`delivered: false`, `error: 'server shutting down'`
   * when it did not get through) before this resolves, so none is lost with the process.
   */
  shutdown(graceMs: number): Promise<void>;
}

export const NOTIFY_SIGNATURE_HEADER = 'keyward-signature';
const SHUTDOWN = 'server shutting down';

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`, as Stripe signs its webhooks. */
export function signNotification(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Tells a key's owner that it leaked and was revoked: a signed POST, retried with exponential backoff, and
 * the outcome (delivered or given up) recorded in the audit trail as `key.owner_notified`. Delivery runs in
 * the background and never delays the answer to the reporter.
 */
export function createOwnerNotifier(options: OwnerNotifierOptions): OwnerNotifier {
  const attempts = options.attempts ?? 6;
  const baseDelay = options.baseDelayMs ?? 1000;
  const pending = new Set<Promise<void>>();
  // Stops backoff sleeps at once; `cutOff` aborts requests still in flight when the grace period ends.
  const stopping = new AbortController();
  const cutOff = new AbortController();
  const deliver = async (keyId: string, details: Record<string, unknown>): Promise<void> => {
    const body = JSON.stringify({ type: 'key.leaked', keyId, revoked: true, at: new Date(options.issuer.now()).toISOString(), details });
    let lastError = '';
    let attempt = 0;
    while (attempt < attempts && !stopping.signal.aborted) {
      attempt++;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [NOTIFY_SIGNATURE_HEADER]: signNotification(options.secret, body, Math.floor(Date.now() / 1000)) },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(10_000), cutOff.signal]),
        });
        await response.arrayBuffer();
        if (response.ok) {
          await record(keyId, { delivered: true, attempts: attempt });
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = cutOff.signal.aborted ? SHUTDOWN : (error as Error).message;
      }
      if (attempt < attempts) await sleep(baseDelay * 2 ** (attempt - 1), stopping.signal);
    }
    await record(keyId, { delivered: false, attempts: attempt, error: (stopping.signal.aborted && attempt < attempts ? `${SHUTDOWN} (last: ${lastError || 'none'})` : lastError).slice(0, 200) });
  };
  const record = async (keyId: string, details: Record<string, unknown>) => {
    const endpoint = new URL(options.url).origin;
    options.log?.({ at: new Date().toISOString(), outcome: 'owner_notification', keyId, endpoint, ...details });
    await options.issuer.recordNotification(keyId, { endpoint, ...details });
  };
  const idle = async () => {
    await Promise.all([...pending]);
  };
  return {
    notify: (keyId, details) => {
      const task = deliver(keyId, details).catch((error: unknown) => {
        options.log?.({ at: new Date().toISOString(), outcome: 'owner_notification_unrecorded', keyId, message: (error as Error).message.split('\n')[0] });
      });
      pending.add(task);
      void task.finally(() => pending.delete(task));
      return task;
    },
    idle,
    shutdown: async (graceMs) => {
      stopping.abort();
      const timer = setTimeout(() => cutOff.abort(), Math.max(0, graceMs));
      try {
        await idle();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
