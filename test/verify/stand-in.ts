import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Handler = (request: Received, response: ServerResponse) => void;

/**
 * A provider stand-in on 127.0.0.1: it records every request and answers with whatever the current
 * handler says. Closed (with any held connections) when the test file ends.
 */
export async function standIn(): Promise<{ base: string; received: Received[]; handle(handler: Handler): void; close(): Promise<void> }> {
  let handler: Handler = (_request, response) => json(response, 500, { error: 'no handler' });
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  afterAll(close);
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    handle: (next) => {
      handler = next;
    },
    close,
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8'): void {
  response.writeHead(status, { 'content-type': contentType, ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** What a web application firewall in front of an API answers: a 403 page, not the API's refusal. */
export const FIREWALL_PAGE = '<!DOCTYPE html><html><head><title>Attention Required!</title></head><body><h1>Sorry, you have been blocked</h1></body></html>';
