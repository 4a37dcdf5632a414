import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeServer } from './support/server.ts';

function builtApp(): string {
  const root = mkdtempSync(join(tmpdir(), 'raftlens-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Raftlens app</title>');
  writeFileSync(join(root, 'app.js'), 'console.log(1)');
  return root;
}

describe('the web app', () => {
  it('serves index.html, its files, and index.html again for app routes', async () => {
    const { app } = await fakeServer({ webRoot: builtApp() });

    const index = await app.inject({ method: 'GET', url: '/' });
    const asset = await app.inject({ method: 'GET', url: '/app.js' });
    const deep = await app.inject({ method: 'GET', url: '/clusters/default/log' });

    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('Raftlens app');
    expect(asset.headers['content-type']).toContain('javascript');
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('Raftlens app');
  });

  it('says how to build the app when it is not built', async () => {
    const { app } = await fakeServer({ webRoot: join(tmpdir(), 'raftlens-no-such-dir') });

    const res = await app.inject({ method: 'GET', url: '/' });

    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('pnpm --filter @raftlens/web build');
  });

  it('never answers an unknown API path with the app', async () => {
    const { app } = await fakeServer({ webRoot: builtApp() });

    const res = await app.inject({ method: 'GET', url: '/api/unknown' });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('RouteNotFound');
  });
});
