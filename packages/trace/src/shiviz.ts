/**
 * Export to ShiViz's log format, so that the space-time tool many people already use can open
 * a trace. ShiViz reads a regular expression on the first line, then one event per two lines:
 * a description, then the host and its vector clock as JSON. We derive vector clocks from the
 * net events: each event ticks its node's own entry, and a delivery merges the clock that the
 * message carried when it was sent.
 */

import type { TraceEvent } from './events.ts';

export const SHIVIZ_REGEX = '(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})';

export function toShiViz(events: Iterable<TraceEvent>): string {
  const clocks = new Map<number, Record<string, number>>();
  const sentWith = new Map<string, Record<string, number>>();
  const out = [SHIVIZ_REGEX, ''];
  for (const e of events) {
    if (e.node === 0) continue;
    const clock = { ...(clocks.get(e.node) ?? {}) };
    const self = `n${e.node}`;
    if (e.kind === 'net' && e.name === 'Deliver') {
      for (const [host, t] of Object.entries(sentWith.get(e.msgId) ?? {})) {
        clock[host] = Math.max(clock[host] ?? 0, t);
      }
    }
    clock[self] = (clock[self] ?? 0) + 1;
    clocks.set(e.node, clock);
    if (e.kind === 'net' && e.name === 'Send') sentWith.set(e.msgId, clock);
    out.push(describe(e), `${self} ${JSON.stringify(clock)}`);
  }
  return `${out.join('\n')}\n`;
}

function describe(e: TraceEvent): string {
  switch (e.kind) {
    case 'net':
      return (
        `${e.name} ${e.msg.type} n${e.msg.from}->n${e.msg.to} term=${e.msg.term} ` +
        `index=${e.msg.index} [${e.msgId}]`
      );
    case 'state':
      return `${e.name} term=${e.term} commit=${e.commit} role=${e.role}`;
    case 'proposal':
      return `Proposal ${e.name} ${e.proposalId}${e.key ? ` key=${e.key}` : ''}`;
    case 'control':
      return `${e.name} ${JSON.stringify(e.detail)}`;
    case 'finding':
      return `${e.name} ${e.code}: ${e.summary}`;
    case 'ready':
      return `Ready mustSync=${e.mustSync} messages=${e.messages}`;
    case 'progress':
      return `Progress term=${e.term}`;
  }
}
