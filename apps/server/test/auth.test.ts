import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fakeServer, listen } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

const crash = { method: 'POST', url: '/api/clusters/default/nodes/2/crash' } as const;

describe('auth', () => {
  it('needs no token on loopback', async () => {
    const { app } = await fakeServer({ host: '127.0.0.1' });

    const res = await app.inject(crash);

    expect(app.authToken).toBeNull();
    expect(res.statusCode).toBe(204);
  });

  it('generates a token on another address and refuses changes without it', async () => {
    const { app } = await fakeServer({ host: '0.0.0.0' });

    const without = await app.inject(crash);
    const wrong = await app.inject({ ...crash, headers: { authorization: 'Bearer nope' } });
    const right = await app.inject({
      ...crash,
      headers: { authorization: `Bearer ${app.authToken}` },
    });

    expect(app.authToken).toMatch(/^[\w-]{32}$/);
    expect(without.statusCode).toBe(401);
    expect(without.json().error.code).toBe('Unauthorized');
    expect(without.headers['www-authenticate']).toContain('Bearer');
    expect(wrong.json().error.code).toBe('Unauthorized');
    expect(right.statusCode).toBe(204);
  });

  it('keeps reads open on another address', async () => {
    const { app } = await fakeServer({ host: '0.0.0.0' });

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default' });

    expect(res.statusCode).toBe(200);
  });

  it('uses the token given at start', async () => {
    const { app } = await fakeServer({ host: '10.1.2.3', token: 'a-token-of-my-choosing' });

    const res = await app.inject({
      ...crash,
      headers: { authorization: 'Bearer a-token-of-my-choosing' },
    });

    expect(res.statusCode).toBe(204);
  });

  it('refuses a changing request from a page of another origin', async () => {
    const { app } = await fakeServer();

    const foreign = await app.inject({
      ...crash,
      headers: { origin: 'http://evil.example', host: '127.0.0.1:3000' },
    });
    const own = await app.inject({
      ...crash,
      headers: { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' },
    });

    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('CrossOriginRequest');
    expect(own.statusCode).toBe(204);
  });

  it('refuses a stream opened by a page of another origin', async () => {
    const { app } = await fakeServer();
    const url = streamUrl(await listen(app), 'default');

    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { origin: 'http://evil.example' });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('the stream opened')));
      ws.once('error', () => {});
    });
    const own = await openViewer(url);

    expect(status).toBe(403);
    await expect(own.waitFor((m) => m.type === 'hello')).resolves.toBeDefined();
    await own.close();
  });
});
