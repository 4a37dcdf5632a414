import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/args.ts';
import { parseNodeArgs, withRaftPath } from '../src/cli/node.ts';
import { parseStartArgs } from '../src/cli/start.ts';

describe('start arguments', () => {
  it('defaults to port 3000 on loopback with 5 nodes in memory', () => {
    expect(parseStartArgs([])).toEqual({
      port: 3000,
      host: '127.0.0.1',
      nodes: 5,
      storage: 'memory',
      dataDir: '.raftlens/data',
      tickMs: 100,
      traceMaxMb: 64,
      logLevel: 'info',
    });
  });

  it('reads every option', () => {
    const args = parseStartArgs([
      '--port',
      '8080',
      '--host',
      '0.0.0.0',
      '--nodes',
      '3',
      '--storage',
      'durable',
      '--data-dir',
      '/var/lib/rl',
      '--token',
      'sixteen-chars-ok',
      '--trace-max-mb',
      '8',
    ]);

    expect(args).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      nodes: 3,
      storage: 'durable',
      dataDir: '/var/lib/rl',
      token: 'sixteen-chars-ok',
      traceMaxMb: 8,
    });
  });

  it('returns null for --help', () => {
    expect(parseStartArgs(['--help'])).toBeNull();
    expect(parseStartArgs(['-h'])).toBeNull();
  });

  it.each([
    [['--nodes', '16']],
    [['--nodes', 'five']],
    [['--port', '70000']],
    [['--storage', 'tape']],
    [['--token', 'short']],
    [['extra']],
  ])('refuses %j', (argv) => {
    expect(() => parseStartArgs(argv)).toThrow(UsageError);
  });

  it('refuses an unknown option', () => {
    expect(() => parseStartArgs(['--colour'])).toThrow(/colour/);
  });
});

describe('node arguments', () => {
  const peers = '1=ws://127.0.0.1:7001,2=ws://127.0.0.1:7002,3=ws://[::1]:7003';

  it('reads the id, the peers and its own listening address', () => {
    const args = parseNodeArgs([
      '--id',
      '3',
      '--peers',
      peers,
      '--dashboard',
      'http://127.0.0.1:3000',
    ]);

    expect(args?.id).toBe(3);
    expect([...(args?.peers.keys() ?? [])]).toEqual([1, 2, 3]);
    expect(args?.listen).toEqual({ host: '::1', port: 7003 });
    expect(args?.dashboard?.href).toBe('http://127.0.0.1:3000/');
    expect(args).toMatchObject({
      cluster: 'remote',
      storage: 'durable',
      dataDir: '.raftlens/node-3',
    });
  });

  it.each([
    ['no id', ['--peers', peers]],
    ['no peers', ['--id', '1']],
    ['an id not among the peers', ['--id', '4', '--peers', peers]],
    ['a peer twice', ['--id', '1', '--peers', '1=ws://a:1,1=ws://b:2']],
    ['a peer without a port', ['--id', '1', '--peers', '1=ws://a']],
    ['an http peer', ['--id', '1', '--peers', '1=http://a:1']],
    ['a peer entry without an id', ['--id', '1', '--peers', 'ws://a:1']],
    ['a dashboard that is not http', ['--id', '1', '--peers', peers, '--dashboard', 'ftp://x']],
    ['a bad cluster name', ['--id', '1', '--peers', peers, '--cluster', 'Bad Name']],
    ['peers that skip an id', ['--id', '1', '--peers', '1=ws://a:1,3=ws://c:3']],
    ['an id above 15', ['--id', '16', '--peers', peers]],
  ])('refuses %s', (_what, argv) => {
    expect(() => parseNodeArgs(argv)).toThrow(UsageError);
  });
});

describe('peer addresses', () => {
  it.each([
    ['ws://127.0.0.1:7001', 'ws://127.0.0.1:7001/raft'],
    ['ws://127.0.0.1:7001/', 'ws://127.0.0.1:7001/raft'],
    ['ws://10.0.0.2:7001/raft', 'ws://10.0.0.2:7001/raft'],
    ['wss://[::1]:7001', 'wss://[::1]:7001/raft'],
  ])('%s dials %s', (given, dialled) => {
    expect(withRaftPath(given)).toBe(dialled);
  });
});
