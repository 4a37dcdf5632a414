/**
 * The context a configuration change carries in its entry: the request id (so the proposer
 * knows when its change took effect) and, for an added node, the address its peers dial. Nodes
 * in other processes learn a new peer's address from the log, as etcd members learn peer URLs
 * from the member-add entry.
 */

export interface ConfContext {
  id: string;
  /** Where the one node a V1 change adds listens. */
  address?: string;
  /** Where each node a V2 change adds listens, by node id. */
  addresses?: Record<string, string>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConfContext(ctx: ConfContext): Uint8Array {
  return encoder.encode(JSON.stringify(ctx));
}

/** The context, or null when it is empty or not ours. */
export function decodeConfContext(data: Uint8Array): ConfContext | null {
  if (data.length === 0) return null;
  try {
    const v = JSON.parse(decoder.decode(data)) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    if (typeof o.id !== 'string') return null;
    const ctx: ConfContext = { id: o.id };
    if (typeof o.address === 'string') ctx.address = o.address;
    const addresses = stringRecord(o.addresses);
    if (addresses !== null) ctx.addresses = addresses;
    return ctx;
  } catch {
    return null;
  }
}

/** Where the change in `ctx` says node `id` listens, if it says. */
export function addressIn(ctx: ConfContext | null, id: number): string | undefined {
  return ctx?.addresses?.[String(id)] ?? ctx?.address;
}

function stringRecord(v: unknown): Record<string, string> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}
