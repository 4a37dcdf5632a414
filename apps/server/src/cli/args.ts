/**
 * Argument helpers shared by the CLI's commands: typed values out of `parseArgs` strings, and
 * one error type for every mistake on the command line.
 */

/** A mistake on the command line; the CLI prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseInteger(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${raw}'`);
  }
  return value;
}

export function parseChoice<T extends string>(name: string, raw: string, choices: T[]): T {
  if (!(choices as string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not '${raw}'`);
  }
  return raw as T;
}

/** Parses `1=ws://127.0.0.1:7001,2=ws://10.0.0.2:7001` into addresses by node id. */
export function parsePeers(raw: string): Map<number, string> {
  const peers = new Map<number, string>();
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 1) throw new UsageError(`--peers entries look like 1=ws://host:port, not '${entry}'`);
    const id = parseInteger('peers', entry.slice(0, eq), 1, 1_000_000);
    const address = entry.slice(eq + 1);
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw new UsageError(`--peers: '${address}' is not a URL`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new UsageError(`--peers: node ${id}'s address must be ws:// or wss://, not ${address}`);
    }
    if (url.port === '') throw new UsageError(`--peers: node ${id}'s address needs a port`);
    if (peers.has(id)) throw new UsageError(`--peers names node ${id} twice`);
    peers.set(id, address);
  }
  if (peers.size === 0) throw new UsageError('--peers names no nodes');
  return peers;
}

export function parseHttpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${name} must be a URL such as http://127.0.0.1:3000, not '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${name} must be an http:// or https:// URL, not '${raw}'`);
  }
  return url;
}
