/**
 * The context a configuration change carries in its entry: the request id (so the proposer
 * knows when its change took effect) and, for an added node, the address its peers dial. Nodes
 * in other processes learn a new peer's address from the log, as etcd members learn peer URLs
 * from the member-add entry.
 */

export interface ConfContext {
  id: string;
  address?: string;
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
    return ctx;
  } catch {
    return null;
  }
}
