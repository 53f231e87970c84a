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

export const NOTIFY_SIGNATURE_HEADER = 'keyward-signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`, as Stripe signs its webhooks. */
export function signNotification(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Tells a key's owner that it leaked and was revoked: a signed POST, retried with exponential backoff, and
 * the outcome (delivered or given up) recorded in the audit trail as `key.owner_notified`. Delivery runs in
 * the background and never delays the answer to the reporter.
 */
export function createOwnerNotifier(options: OwnerNotifierOptions): { notify(keyId: string, details: Record<string, unknown>): Promise<void>; idle(): Promise<void> } {
  const attempts = options.attempts ?? 6;
  const baseDelay = options.baseDelayMs ?? 1000;
  const pending = new Set<Promise<void>>();
  const deliver = async (keyId: string, details: Record<string, unknown>): Promise<void> => {
    const body = JSON.stringify({ type: 'key.leaked', keyId, revoked: true, at: new Date(options.issuer.now()).toISOString(), details });
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [NOTIFY_SIGNATURE_HEADER]: signNotification(options.secret, body, Math.floor(Date.now() / 1000)) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) {
          await record(keyId, { delivered: true, attempts: attempt });
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, baseDelay * 2 ** (attempt - 1)));
    }
    await record(keyId, { delivered: false, attempts, error: lastError.slice(0, 200) });
  };
  const record = async (keyId: string, details: Record<string, unknown>) => {
    const endpoint = new URL(options.url).origin;
    options.log?.({ at: new Date().toISOString(), outcome: 'owner_notification', keyId, endpoint, ...details });
    await options.issuer.store.appendEvents([{ at: options.issuer.now(), type: 'key.owner_notified', keyId, actor: 'server', details: { endpoint, ...details } }]);
  };
  return {
    notify: (keyId, details) => {
      const task = deliver(keyId, details).catch(() => undefined);
      pending.add(task);
      void task.finally(() => pending.delete(task));
      return task;
    },
    idle: async () => {
      await Promise.all([...pending]);
    },
  };
}
