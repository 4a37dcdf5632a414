/**
 * The server logs with pino: one JSON object per line, each request with its id, method, URL
 * and status, a coded error with its code, and the runtime's lines bound to cluster and node.
 */

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { realServer } from './support/server.ts';

function collector(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  let rest = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      rest += chunk.toString();
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) if (part !== '') lines.push(JSON.parse(part));
      done();
    },
  });
  return { stream, lines };
}

describe('server logs', () => {
  it('are pino JSON lines: requests, coded errors, and runtime lines bound to a node', async () => {
    const { stream, lines } = collector();
    const app = await realServer({ logger: { level: 'info', stream } });

    const from = lines.length;
    await app.inject({ method: 'GET', url: '/api/health' });
    const missing = await app.inject({ method: 'GET', url: '/api/clusters/nope' });

    const mine = lines.slice(from);
    const incoming = mine.find((l) => l.msg === 'incoming request');
    const done = mine.filter((l) => l.msg === 'request completed');
    expect(incoming).toMatchObject({ level: 30, req: { method: 'GET', url: '/api/health' } });
    expect(typeof incoming?.reqId).toBe('string');
    expect(typeof incoming?.time).toBe('number');
    expect(done.map((l) => (l.res as { statusCode: number }).statusCode)).toEqual([200, 404]);
    expect(missing.json().error.code).toBe('UnknownCluster');
    const refused = mine.find((l) => l.code === 'UnknownCluster');
    expect(refused?.reqId).toBe(done[1]?.reqId);
    const runtime = lines.filter((l) => l.cluster === 'default' && typeof l.node === 'number');
    expect(runtime.length).toBeGreaterThan(0);
    expect(runtime.some((l) => typeof l.msg === 'string' && /leader/i.test(l.msg as string))).toBe(
      true,
    );
  });
});
