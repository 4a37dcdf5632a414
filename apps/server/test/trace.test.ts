import { parseTrace } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { realServer } from './support/server.ts';

describe('trace download', () => {
  it('downloads the recorded trace as a valid NDJSON trace', async () => {
    const app = await realServer();
    for (let i = 0; i < 5; i++) {
      const put = await app.inject({
        method: 'PUT',
        url: `/api/clusters/default/kv/k${i}`,
        payload: { value: `v${i}` },
      });
      expect(put.statusCode).toBe(200);
    }

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/trace' });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="default-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.ndjson"$/,
    );
    const parsed = parseTrace(res.body);
    if (!parsed.ok) throw new Error(`the download is not a trace: ${parsed.error.message}`);
    expect(parsed.trace.header.cluster).toBe('default');
    const seqs = parsed.trace.events.map((e) => e.seq);
    expect(seqs.length).toBeGreaterThan(10);
    expect(seqs[0]).toBe(1);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
    const names = new Set(parsed.trace.events.map((e) => `${e.kind}:${e.name}`));
    expect(names.has('state:BecomeLeader')).toBe(true);
    expect(names.has('state:Commit')).toBe(true);
  });

  it('answers an unknown cluster with UnknownCluster', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/nope/trace' });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('UnknownCluster');
  });
});
