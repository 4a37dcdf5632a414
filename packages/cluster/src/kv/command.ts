/**
 * The commands of the key-value state machine, as they travel in log entries: compact JSON
 * `{"id":"1.7","op":"put","key":"k","value":"v"}`, UTF-8 encoded. An entry with empty data is
 * the leader's no-op of a new term and decodes to null.
 */

export type KvOp = 'put' | 'delete';

export interface KvCommand {
  /** Unique per proposal: `${node}.${n}`, so the proposer can recognise its entry. */
  id: string;
  op: KvOp;
  key: string;
  value?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(cmd: KvCommand): Uint8Array {
  const plain: KvCommand = { id: cmd.id, op: cmd.op, key: cmd.key };
  if (cmd.value !== undefined) plain.value = cmd.value;
  return encoder.encode(JSON.stringify(plain));
}

/** The command in an entry, null for an empty entry, or an error string for garbage. */
export function decodeCommand(data: Uint8Array): KvCommand | null | string {
  if (data.length === 0) return null;
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(data));
  } catch {
    return 'entry data is not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'entry data is not an object';
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.key !== 'string') return 'entry lacks id or key';
  if (o.op === 'put') {
    if (typeof o.value !== 'string') return 'put lacks a value';
    return { id: o.id, op: 'put', key: o.key, value: o.value };
  }
  if (o.op === 'delete') return { id: o.id, op: 'delete', key: o.key };
  return `unknown op ${String(o.op)}`;
}

/** A one-line description of an entry's command, for log windows. */
export function describeCommand(data: Uint8Array): string {
  const cmd = decodeCommand(data);
  if (cmd === null) return '(empty)';
  if (typeof cmd === 'string') return `(invalid: ${cmd})`;
  const value = cmd.value === undefined ? '' : `=${truncate(cmd.value, 24)}`;
  return `${cmd.op} ${truncate(cmd.key, 24)}${value}`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
