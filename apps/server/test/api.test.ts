import { describe, expect, it } from 'vitest';
import { fakeServer } from './support/server.ts';

describe('GET /api/health', () => {
  it('answers ok with the number of clusters', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/health' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', clusters: 1 });
  });
});

describe('errors', () => {
  it('answers an unknown route with RouteNotFound', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'POST', url: '/api/nothing-here' });

    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'RouteNotFound', message: expect.any(String), detail: expect.any(Object) },
    });
  });

  it('answers an unknown GET under /api with RouteNotFound, not the web app', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('RouteNotFound');
  });
});
