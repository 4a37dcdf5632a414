import type { NetEvent } from '@raftlens/trace';
import type { ShaperEvent } from '../net/shaper.ts';
import { summarizeMessage } from './summary.ts';

/** A shaper decision as the trace's net event, on the sending node. */
export function netEventOf(e: ShaperEvent, wallMs: number, tick: number): Omit<NetEvent, 'seq'> {
  const event: Omit<NetEvent, 'seq'> = {
    kind: 'net',
    name: e.name,
    wallMs,
    node: e.from,
    group: e.env.group,
    tick,
    msgId: e.env.msgId,
    msg: summarizeMessage(e.env.msg),
  };
  if (e.delayMs !== undefined) event.delayMs = e.delayMs;
  if (e.reason !== undefined) event.reason = e.reason;
  if (e.copyId !== undefined) event.copyId = e.copyId;
  return event;
}
