/**
 * Tick rates compared across nodes. Every node should tick at the same rate of wall time; one
 * that ticks twice as fast (two loops calling `tick()`) halves its election and heartbeat
 * timeouts, and one that never ticks never campaigns and, as leader, never heartbeats.
 *
 * Each node's rate is measured over its own events in its current incarnation, ending at the
 * snapshot, and compared with the median of its peers, so pauses and speed changes, which
 * affect all nodes alike, cancel out.
 */

import type { Context } from './context.ts';
import { ev, type Finding, nodeField } from './finding.ts';

/** A rate this many times the peers' median counts as double ticking. */
const FAST_RATIO = 1.6;
/** Ticks a node must have counted over its span before its rate is trusted. */
const MIN_TICKS = 10;

interface Rate {
  id: number;
  ticks: number;
  wallMs: number;
  firstSeq: number;
  perMs: number;
}

function rates(ctx: Context): Rate[] {
  const out: Rate[] = [];
  for (const node of ctx.snapshot.nodes) {
    if (node.status !== 'running') continue;
    const first = ctx.eventsOf(node.id)[0];
    if (!first) continue;
    const wallMs = ctx.snapshot.wallMs - first.wallMs;
    const ticks = node.tick - first.tick;
    if (wallMs <= 0 || ticks < 0) continue;
    out.push({ id: node.id, ticks, wallMs, firstSeq: first.seq, perMs: ticks / wallMs });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function tickFindings(ctx: Context): Finding[] {
  const all = rates(ctx);
  const out: Finding[] = [];
  for (const r of all) {
    const peers = all.filter((p) => p.id !== r.id && p.ticks >= MIN_TICKS);
    if (peers.length === 0) continue;
    const peerRate = median(peers.map((p) => p.perMs));
    const expected = Math.round(peerRate * r.wallMs);
    const evidence = [
      nodeField(r.id, 'tick', ctx.node(r.id)?.tick),
      ev(r.firstSeq),
      ...peers.slice(0, 4).map((p) => nodeField(p.id, 'tick', ctx.node(p.id)?.tick)),
    ];
    const seconds = (r.wallMs / 1000).toFixed(1);
    if (r.ticks >= MIN_TICKS && r.perMs >= FAST_RATIO * peerRate) {
      const ratio = (r.perMs / peerRate).toFixed(1);
      out.push({
        code: 'DoubleTick',
        severity: 'warning',
        nodes: [r.id],
        evidence,
        summary:
          `Node ${r.id} ticks ${ratio} times as fast as its peers (${r.ticks} ticks in ` +
          `${seconds} s where they count about ${expected}): two loops are probably ` +
          'calling tick().',
        detail:
          'Every tick() advances the election and heartbeat timers, so a node ticked twice as ' +
          'often times out twice as early: it starts needless elections as a follower and ' +
          'sends heartbeats twice as often as leader. Tick each RawNode from exactly one place.',
      });
    } else if (r.ticks === 0 && expected >= MIN_TICKS) {
      out.push({
        code: 'NotTicking',
        severity: 'warning',
        nodes: [r.id],
        evidence,
        summary:
          `Node ${r.id} has not ticked in ${seconds} s while its peers counted about ` +
          `${expected} ticks, so its timers never fire.`,
        detail:
          'Without tick() a follower never times out to campaign and a leader never sends ' +
          'heartbeats or checks its quorum. Call tick() on a timer for every group.',
      });
    }
  }
  return out;
}
