/**
 * The network shaper: the link rules a person sets, applied to every message between the node
 * runtime and its transport. It sits on the sending side of each directed link, where a real
 * fault injector (a proxy, `tc netem`, iptables) would sit, and decides for each message:
 * drop it (partition, rule, probability), hold it until a person releases or drops it, deliver
 * a second copy, delay it, or let a later message overtake it.
 *
 * Every message gets an id `${from}.${n}` and every decision becomes a net trace event, so a
 * viewer can follow one message from Send to Deliver or Drop.
 */

import type { Message } from '@raftlens/raft';
import type { DropReason, HeldMessageView, LinkRule, LinkRuleView } from '@raftlens/trace';
import { ClusterError } from '../api.ts';
import type { SeededRandom } from '../time/random.ts';
import type { Scheduler } from '../time/scheduler.ts';
import type { Envelope } from '../transport/types.ts';
import { normalizePartition, ruleMatches, validateLinkRule } from './link-rules.ts';

/** Net events the shaper reports; the host turns them into trace events. */
export type ShaperEventName = 'Send' | 'Hold' | 'Release' | 'Delay' | 'Duplicate' | 'Drop';

export interface ShaperEvent {
  name: ShaperEventName;
  from: number;
  to: number;
  env: Envelope;
  delayMs?: number;
  reason?: DropReason;
  copyId?: string;
}

/** What the shaper needs from the cluster around it. */
export interface ShaperHost {
  readonly scheduler: Scheduler;
  /** Hands the message to the sender's transport; false when the transport refused it. */
  transmit(from: number, to: number, env: Envelope): boolean;
  /** Reports every decision, for the trace. */
  record(e: ShaperEvent): void;
  /** A message left the shaper for good: handed to the transport, or dropped and why. */
  settled(from: number, to: number, env: Envelope, delivered: boolean, reason?: DropReason): void;
  /** How long a message waits to be overtaken before it goes anyway, in model ms. */
  reorderWindowMs(): number;
}

interface HeldMessage {
  from: number;
  to: number;
  env: Envelope;
  heldAtMs: number;
}

interface Parked {
  env: Envelope;
  timer: { cancel(): void };
}

function linkKey(from: number, to: number): string {
  return `${from}>${to}`;
}

export class NetworkShaper {
  private readonly rules = new Map<string, LinkRuleView>();
  private partitionGroups: number[][] = [];
  private partitionOf = new Map<number, number>();
  private readonly held = new Map<string, HeldMessage>();
  /** Messages waiting on each link to be overtaken by the next one (the reorder rule). */
  private readonly parked = new Map<string, Parked[]>();
  private readonly counters = new Map<number, number>();

  constructor(
    private readonly host: ShaperHost,
    private readonly rng: SeededRandom,
  ) {}

  /** A fresh message id for a message sent by `from`. */
  nextMsgId(from: number): string {
    const n = (this.counters.get(from) ?? 0) + 1;
    this.counters.set(from, n);
    return `${from}.${n}`;
  }

  setRule(from: number, to: number, rule: LinkRule): void {
    if (from === to) {
      throw new ClusterError('InvalidLinkRule', 'a link joins two different nodes', { from, to });
    }
    this.rules.set(linkKey(from, to), { from, to, rule: validateLinkRule(rule) });
  }

  clearRule(from: number, to: number): void {
    this.rules.delete(linkKey(from, to));
  }

  /** Rules in (from, to) order. */
  linkRules(): LinkRuleView[] {
    return [...this.rules.values()].sort((a, b) => a.from - b.from || a.to - b.to);
  }

  partition(groups: number[][], known: readonly number[]): number[][] {
    const normalized = normalizePartition(groups, known);
    this.partitionGroups = normalized.length > 1 ? normalized : [];
    this.partitionOf = new Map();
    this.partitionGroups.forEach((g, i) => {
      for (const id of g) this.partitionOf.set(id, i);
    });
    return this.partitionGroups;
  }

  heal(): void {
    this.partitionGroups = [];
    this.partitionOf = new Map();
  }

  partitions(): number[][] {
    return this.partitionGroups.map((g) => [...g]);
  }

  /** True when a partition separates the two nodes. Nodes added after it are not cut off. */
  separated(a: number, b: number): boolean {
    const pa = this.partitionOf.get(a);
    const pb = this.partitionOf.get(b);
    return pa !== undefined && pb !== undefined && pa !== pb;
  }

  /** Submits a message from the runtime of `from`; it gets an id and a fate. */
  send(from: number, group: number, msg: Message): string {
    const env: Envelope = { group, msgId: this.nextMsgId(from), msg };
    const to = msg.to;
    this.host.record({ name: 'Send', from, to, env });
    if (this.separated(from, to)) {
      this.drop(from, to, env, 'partition');
      return env.msgId;
    }
    const rule = this.ruleFor(from, to, msg.type);
    if (rule === undefined) {
      this.forward(from, to, env, undefined);
      return env.msgId;
    }
    const dropRate = rule.dropRate ?? 0;
    if (dropRate > 0 && this.rng.chance(dropRate)) {
      this.drop(from, to, env, dropRate >= 1 ? 'link-rule' : 'probability');
      return env.msgId;
    }
    if (rule.hold) {
      this.held.set(env.msgId, { from, to, env, heldAtMs: this.host.scheduler.wallMs() });
      this.host.record({ name: 'Hold', from, to, env });
      return env.msgId;
    }
    const duplicateRate = rule.duplicateRate ?? 0;
    if (duplicateRate > 0 && this.rng.chance(duplicateRate)) {
      const copy: Envelope = { group, msgId: this.nextMsgId(from), msg };
      this.host.record({ name: 'Duplicate', from, to, env, copyId: copy.msgId });
      this.forward(from, to, env, rule);
      this.forward(from, to, copy, rule);
      return env.msgId;
    }
    this.forward(from, to, env, rule);
    return env.msgId;
  }

  /** Records a message the runtime itself decided not to send (an integration fault). */
  dropAtSource(from: number, group: number, msg: Message, reason: DropReason): string {
    const env: Envelope = { group, msgId: this.nextMsgId(from), msg };
    this.host.record({ name: 'Send', from, to: msg.to, env });
    this.drop(from, msg.to, env, reason);
    return env.msgId;
  }

  heldMessages(): HeldMessageView[] {
    return [...this.held.values()].map((h) => ({
      msgId: h.env.msgId,
      from: h.from,
      to: h.to,
      group: h.env.group,
      type: h.env.msg.type,
      term: h.env.msg.term,
      index: h.env.msg.index,
      entries: h.env.msg.entries.length,
      heldAtMs: h.heldAtMs,
    }));
  }

  isHeld(msgId: string): boolean {
    return this.held.has(msgId);
  }

  /** Sends a held message on, past every rule; throws `UnknownMessage` if it is not held. */
  release(msgId: string): void {
    const h = this.takeHeld(msgId);
    this.host.record({ name: 'Release', from: h.from, to: h.to, env: h.env });
    this.transmit(h.from, h.to, h.env);
  }

  /** Drops a held message by hand. */
  dropHeld(msgId: string): void {
    const h = this.takeHeld(msgId);
    this.drop(h.from, h.to, h.env, 'manual');
  }

  /** Drops every held and parked message that involves the node (it left the cluster). */
  forgetNode(id: number): void {
    for (const [msgId, h] of this.held) {
      if (h.from === id || h.to === id) {
        this.held.delete(msgId);
        this.drop(h.from, h.to, h.env, 'crashed');
      }
    }
    for (const [key, list] of this.parked) {
      const [from, to] = key.split('>').map(Number);
      if (from === id || to === id) {
        this.parked.delete(key);
        for (const p of list) p.timer.cancel();
      }
    }
  }

  private takeHeld(msgId: string): HeldMessage {
    const h = this.held.get(msgId);
    if (h === undefined) {
      throw new ClusterError('UnknownMessage', `no held message ${msgId}`, { msgId });
    }
    this.held.delete(msgId);
    return h;
  }

  private ruleFor(from: number, to: number, type: string): LinkRule | undefined {
    const view = this.rules.get(linkKey(from, to));
    if (view === undefined || !ruleMatches(view.rule, type)) return undefined;
    return view.rule;
  }

  private forward(from: number, to: number, env: Envelope, rule: LinkRule | undefined): void {
    const delayMs = (rule?.delayMs ?? 0) + (rule?.jitterMs ?? 0) * (rule ? this.jitter() : 0);
    if (delayMs > 0) {
      this.host.record({ name: 'Delay', from, to, env, delayMs });
      this.host.scheduler.after(delayMs, () => this.maybeReorder(from, to, env, rule));
      return;
    }
    this.maybeReorder(from, to, env, rule);
  }

  private jitter(): number {
    return this.rng.float();
  }

  /**
   * The reorder rule parks a message until the next one on the same link has gone, then sends
   * it: the later message overtakes it. A parked message goes anyway after a short window.
   */
  private maybeReorder(from: number, to: number, env: Envelope, rule: LinkRule | undefined): void {
    const key = linkKey(from, to);
    const reorderRate = rule?.reorderRate ?? 0;
    if (reorderRate > 0 && this.rng.chance(reorderRate)) {
      const windowMs = this.host.reorderWindowMs();
      const timer = this.host.scheduler.after(windowMs, () => this.flushParked(key, from, to));
      const list = this.parked.get(key) ?? [];
      list.push({ env, timer });
      this.parked.set(key, list);
      this.host.record({ name: 'Delay', from, to, env, delayMs: windowMs });
      return;
    }
    this.transmit(from, to, env);
    this.flushParked(key, from, to);
  }

  private flushParked(key: string, from: number, to: number): void {
    const list = this.parked.get(key);
    if (list === undefined) return;
    this.parked.delete(key);
    for (const p of list) {
      p.timer.cancel();
      this.transmit(from, to, p.env);
    }
  }

  /** The last hop: a partition may have appeared while the message waited. */
  private transmit(from: number, to: number, env: Envelope): void {
    if (this.separated(from, to)) {
      this.drop(from, to, env, 'partition');
      return;
    }
    if (!this.host.transmit(from, to, env)) {
      this.drop(from, to, env, 'transport');
      return;
    }
    this.host.settled(from, to, env, true);
  }

  private drop(from: number, to: number, env: Envelope, reason: DropReason): void {
    this.host.record({ name: 'Drop', from, to, env, reason });
    this.host.settled(from, to, env, false, reason);
  }
}
