import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/args.ts';
import { parseTraceArgs, runTrace } from '../src/cli/trace.ts';

const ETCD_EXAMPLE = new URL(
  '../../../../shared/conformance/etcd-raft/trace/example.ndjson',
  import.meta.url,
).pathname;

describe('trace inspect', () => {
  it('summarises the etcd example: leader of term 2 and each node highest commit', async () => {
    const out = await runTrace({ action: 'inspect', file: ETCD_EXAMPLE });

    expect(out.exitCode).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary.leaders).toEqual({ 2: 2 });
    expect(summary.highestCommit['2']).toBe(129);
    expect(summary.importedFrom).toBe('etcd-raft');
    expect(summary.unknowns.length).toBeGreaterThan(0);
  });

  it('refuses a file that is not a trace with its code and line, exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftlens-trace-'));
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, '{"format":"raftlens-trace","version":1}\n{"seq":1}\n');

    const out = await runTrace({ action: 'inspect', file });

    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('[InvalidEvent]');
    expect(out.stderr).toContain('Line 2');
  });

  it('says when the file cannot be read', async () => {
    const out = await runTrace({ action: 'inspect', file: '/nonexistent/trace.ndjson' });

    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('ENOENT');
  });

  it('converts to ShiViz with its regular expression first', async () => {
    const out = await runTrace({ action: 'shiviz', file: ETCD_EXAMPLE });

    expect(out.stdout.split('\n')[0]).toContain('(?<host>');
  });

  it('rejects an unknown action as a usage error', () => {
    expect(() => parseTraceArgs(['explode', 'x'])).toThrow(UsageError);
    expect(parseTraceArgs(['--help'])).toBeNull();
  });
});
