import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

  it('serves a build made while the server runs', async () => {
    const root = join(tmpdir(), `raftlens-web-later-${process.pid}-${Date.now()}`);
    const { app } = await fakeServer({ webRoot: root });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(503);

    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Rebuilt app</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(2)');
    const index = await app.inject({ method: 'GET', url: '/' });
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    const missing = await app.inject({ method: 'GET', url: '/assets/index-old999.js' });

    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('Rebuilt app');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.body).toBe('console.log(2)');
    // An app route, or a file that is gone: the app, which routes it itself.
    expect(missing.body).toContain('Rebuilt app');
  });

  it('serves nothing outside the build folder', async () => {
    const root = builtApp();
    writeFileSync(join(root, '..', 'raftlens-secret.txt'), 'secret');
    const { app } = await fakeServer({ webRoot: root });

    for (const url of ['/../raftlens-secret.txt', '/%2e%2e/raftlens-secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body).not.toContain('secret');
    }
  });

  it('never answers an unknown API path with the app', async () => {
    const { app } = await fakeServer({ webRoot: builtApp() });

    const res = await app.inject({ method: 'GET', url: '/api/unknown' });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('RouteNotFound');
  });
});
