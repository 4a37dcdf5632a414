import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runUntil, simCluster } from './helpers.ts';

interface Line {
  level: number;
  msg: string;
  cluster?: string;
  node?: number;
  group?: number;
  [k: string]: unknown;
}

function capture(level: string) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

const flushLogs = () => new Promise((r) => setImmediate(r));

describe('structured logs', () => {
  it('bind every line to the cluster, node and group, info per role change, debug per message', async () => {
    const { logger, lines } = capture('debug');
    const c = await simCluster({ name: 'logged', logger });

    await runUntil(c, () => c.leaderOf() !== null, 'a leader');
    await c.close();
    await flushLogs();

    const roleLines = lines.filter((l) => l.msg === 'role changed');
    expect(roleLines.length).toBeGreaterThan(0);
    expect(roleLines.every((l) => l.level === 30 && l.cluster === 'logged')).toBe(true);
    expect(roleLines.every((l) => typeof l.node === 'number' && l.group === 1)).toBe(true);
    expect(roleLines.some((l) => l.role === 'StateLeader')).toBe(true);
    const sends = lines.filter((l) => l.msg === 'send');
    expect(sends.length).toBeGreaterThan(0);
    expect(sends.every((l) => l.level === 20 && typeof l.msgId === 'string')).toBe(true);
    expect(lines.some((l) => l.msg === 'deliver' && l.level === 20)).toBe(true);
    // The core's own prose comes through too, bound the same way.
    expect(lines.some((l) => /became leader at term \d+/.test(l.msg) && l.node !== undefined)).toBe(
      true,
    );
  });

  it('warn about anomalies, such as a node that cannot campaign', async () => {
    const { logger, lines } = capture('info');
    const c = await simCluster({ logger, faults: { 1: ['no-initial-conf'] } });

    c.advance(1_000);
    await c.close();
    await flushLogs();

    const warn = lines.find((l) => l.msg === 'cannot campaign');
    expect(warn).toMatchObject({ level: 40, node: 1, group: 1 });
    expect(lines.some((l) => l.level === 20)).toBe(false);
  });
});
