import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { afterAll } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers.js';

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
    const at = Date.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at };
      received.push(entry);
      handler(entry, response);
    });
  });
  // As an HTTP(S) proxy it would see CONNECT, not a request: recorded too, so "received nothing" means nothing.
  server.on('connect', (request: IncomingMessage, socket: import('node:net').Socket) => {
    received.push({ method: 'CONNECT', url: request.url ?? '', headers: request.headers, body: '', at: Date.now() });
    socket.destroy();
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

/** The built CLI, spawned without blocking this process, so a stand-in in this process can answer it. */
export function runCliAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
