import { describe, expect, it } from 'vitest';
import { fakeServer } from './support/server.ts';

/** Every route of the API, as OpenAPI writes paths. */
const ROUTES = [
  ['get', '/api/health'],
  ['get', '/api/openapi.json'],
  ['get', '/api/clusters'],
  ['post', '/api/clusters'],
  ['get', '/api/clusters/{cluster}'],
  ['delete', '/api/clusters/{cluster}'],
  ['post', '/api/clusters/{cluster}/fork'],
  ['post', '/api/clusters/{cluster}/simulate-from'],
  ['get', '/api/clusters/{cluster}/diagnosis'],
  ['get', '/api/clusters/{cluster}/trace'],
  ['get', '/api/clusters/{cluster}/stream'],
  ['get', '/api/clusters/{cluster}/viewers'],
  ['put', '/api/clusters/{cluster}/kv/{key}'],
  ['get', '/api/clusters/{cluster}/kv/{key}'],
  ['post', '/api/clusters/{cluster}/pause'],
  ['post', '/api/clusters/{cluster}/resume'],
  ['post', '/api/clusters/{cluster}/step'],
  ['put', '/api/clusters/{cluster}/speed'],
  ['put', '/api/clusters/{cluster}/links/{from}/{to}'],
  ['delete', '/api/clusters/{cluster}/links/{from}/{to}'],
  ['post', '/api/clusters/{cluster}/partition'],
  ['post', '/api/clusters/{cluster}/heal'],
  ['get', '/api/clusters/{cluster}/held'],
  ['post', '/api/clusters/{cluster}/held/{msgId}/release'],
  ['post', '/api/clusters/{cluster}/held/{msgId}/drop'],
  ['post', '/api/clusters/{cluster}/nodes'],
  ['delete', '/api/clusters/{cluster}/nodes/{node}'],
  ['post', '/api/clusters/{cluster}/nodes/{node}/crash'],
  ['post', '/api/clusters/{cluster}/nodes/{node}/restart'],
  ['post', '/api/clusters/{cluster}/nodes/{node}/promote'],
  ['post', '/api/clusters/{cluster}/nodes/{node}/compact'],
  ['post', '/api/clusters/{cluster}/transfer-leader'],
  ['post', '/api/clusters/{cluster}/nodes/{node}/campaign'],
  ['post', '/api/clusters/{cluster}/membership'],
  ['post', '/api/clusters/{cluster}/membership/leave-joint'],
  ['post', '/api/clusters/{cluster}/members'],
  ['get', '/api/clusters/{cluster}/members'],
  ['delete', '/api/clusters/{cluster}/members/{node}'],
  ['get', '/api/scenarios'],
  ['post', '/api/scenarios/{id}/start'],
  ['get', '/api/clusters/{cluster}/scenario'],
  ['post', '/api/clusters/{cluster}/scenario/forward'],
  ['post', '/api/clusters/{cluster}/scenario/back'],
  ['post', '/api/clusters/{cluster}/scenario/restart'],
  ['post', '/api/clusters/{cluster}/scenario/goto'],
  ['post', '/api/clusters/{cluster}/scenario/handover'],
] as const;

describe('GET /api/openapi.json', () => {
  it('lists every route and nothing else', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });

    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    expect(listed).toEqual(ROUTES.map(([method, path]) => `${method} ${path}`).sort());
  });

  it('documents bodies, parameters and the error shape from the schemas', async () => {
    const { app } = await fakeServer();

    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();

    const put = doc.paths['/api/clusters/{cluster}/kv/{key}'].put;
    expect(put.requestBody.content['application/json'].schema.required).toEqual(['value']);
    expect(put.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['cluster', 'key', 'via', 'timeoutMs']),
    );
    const errorSchema = put.responses['4XX'].content['application/json'].schema;
    expect(errorSchema.properties.error.required).toEqual(['code', 'message']);
    const snapshot = doc.paths['/api/clusters/{cluster}'].get.responses['200'];
    expect(Object.keys(snapshot.content['application/json'].schema.properties)).toContain('nodes');
  });

  it('gives every route a summary, schemas for its path parameters, answers and errors', async () => {
    const { app } = await fakeServer();

    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();

    const gaps: string[] = [];
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method];
      const where = `${method} ${path}`;
      if (typeof op?.summary !== 'string' || op.summary === '') gaps.push(`${where}: summary`);
      const params = (op?.parameters ?? []) as Array<{ name: string; in: string; schema?: object }>;
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        const p = params.find((x) => x.in === 'path' && x.name === name);
        if (p?.schema === undefined) gaps.push(`${where}: path parameter ${name}`);
      }
      const responses = (op?.responses ?? {}) as Record<string, { content?: object }>;
      const ok = Object.keys(responses).filter((code) => /^(2\d\d|101)$/.test(code));
      // The stream answers an upgrade (101), which OpenAPI cannot describe as a body.
      if (ok.length === 0 && !path.endsWith('/stream')) gaps.push(`${where}: success response`);
      // This document itself cannot fail with a client error.
      const errorFree = path === '/api/openapi.json';
      if (!errorFree && responses['4XX']?.content === undefined) {
        gaps.push(`${where}: coded 4XX error`);
      }
    }

    expect(gaps).toEqual([]);
  });
});
