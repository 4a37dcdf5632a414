/**
 * Brings a cluster snapshot up to date with the events that followed it.
 *
 * The server sends full snapshots only now and then; between them, role, term, vote, commit,
 * progress and fault changes arrive as events. Folding them in keeps the picture current to the
 * frame. The next snapshot replaces the result, so any detail this misses heals at once.
 * Updates are copy-on-write: untouched nodes keep their identity and their components skip work.
 */

import type {
  ClusterSnapshot,
  ControlEvent,
  GroupView,
  HeldMessageView,
  LinkRule,
  NetEvent,
  NodeView,
  TraceEvent,
} from '@raftlens/trace';

class Draft {
  snap: ClusterSnapshot;
  private readonly copiedNodes = new Set<NodeView>();
  private readonly copiedGroups = new Set<GroupView>();
  private copiedTop = false;

  constructor(base: ClusterSnapshot) {
    this.snap = base;
  }

  top(): ClusterSnapshot {
    if (!this.copiedTop) {
      this.snap = { ...this.snap, nodes: [...this.snap.nodes] };
      this.copiedTop = true;
    }
    return this.snap;
  }

  node(id: number): NodeView | undefined {
    const i = this.snap.nodes.findIndex((n) => n.id === id);
    if (i < 0) return undefined;
    const current = this.snap.nodes[i] as NodeView;
    if (this.copiedNodes.has(current)) return current;
    const copy = { ...current, groups: [...current.groups] };
    this.top().nodes[i] = copy;
    this.copiedNodes.add(copy);
    return copy;
  }

  group(nodeId: number, groupId: number): GroupView | undefined {
    const node = this.node(nodeId);
    if (!node) return undefined;
    const i = node.groups.findIndex((g) => g.group === groupId);
    if (i < 0) return undefined;
    const current = node.groups[i] as GroupView;
    if (this.copiedGroups.has(current)) return current;
    const copy = { ...current, log: { ...current.log } };
    node.groups[i] = copy;
    this.copiedGroups.add(copy);
    return copy;
  }
}

/** Returns the snapshot with `events` folded in (the same object when none applied). */
export function applyEvents(base: ClusterSnapshot, events: readonly TraceEvent[]): ClusterSnapshot {
  const d = new Draft(base);
  let seq = base.seq;
  for (const e of events) {
    if (e.seq <= base.seq) continue;
    applyOne(d, e);
    seq = e.seq;
  }
  if (seq === base.seq) return base;
  const top = d.top();
  top.seq = seq;
  return top;
}

function applyOne(d: Draft, e: TraceEvent): void {
  switch (e.kind) {
    case 'state': {
      const g = d.group(e.node, e.group);
      if (!g) return;
      g.term = e.term;
      g.vote = e.vote;
      g.commit = Math.max(g.commit, e.commit);
      g.role = e.role;
      if (e.name === 'BecomeLeader') g.lead = e.node;
      if (e.name === 'BecomeCandidate' || e.name === 'BecomePreCandidate') g.lead = 0;
      if (e.role !== 'StateLeader') g.progress = undefined;
      g.log.lastIndex = e.lastIndex;
      return;
    }
    case 'ready': {
      const g = d.group(e.node, e.group);
      if (!g) return;
      if (e.softState) {
        g.lead = e.softState.lead;
        g.role = e.softState.role;
      }
      if (e.hardState) {
        g.term = e.hardState.term;
        g.vote = e.hardState.vote;
        g.commit = e.hardState.commit;
      }
      if (e.entries) g.log.lastIndex = Math.max(g.log.lastIndex, e.entries[1]);
      if (e.committed) g.applied = Math.max(g.applied, e.committed[1]);
      return;
    }
    case 'progress': {
      const g = d.group(e.node, e.group);
      if (g) g.progress = e.progress;
      return;
    }
    case 'net':
      applyNet(d, e);
      return;
    case 'control':
      applyControl(d, e);
      return;
    case 'proposal':
    case 'finding':
      return;
  }
}

function parked(e: NetEvent): HeldMessageView {
  return {
    msgId: e.msgId,
    from: e.msg.from,
    to: e.msg.to,
    group: e.group,
    type: e.msg.type,
    term: e.msg.term,
    index: e.msg.index,
    entries: e.msg.entryCount ?? e.msg.entries.length,
    heldAtMs: e.wallMs,
  };
}

/**
 * Held messages wait for a person; while paused, every message that arrives waits in its
 * receiver's inbox (`pending`) for a step. Both lists follow the message's events.
 */
function applyNet(d: Draft, e: NetEvent): void {
  const inHeld = d.snap.held.some((h) => h.msgId === e.msgId);
  const inPending = d.snap.pending?.some((h) => h.msgId === e.msgId) ?? false;
  if (e.name === 'Hold') {
    const top = d.top();
    if (!inHeld) top.held = [...top.held, parked(e)];
    if (inPending) top.pending = top.pending?.filter((h) => h.msgId !== e.msgId);
  } else if (e.name === 'Send' && d.snap.paused && !inPending) {
    const top = d.top();
    top.pending = [...(top.pending ?? []), parked(e)];
  } else if (e.name === 'Release' || e.name === 'Drop' || e.name === 'Deliver') {
    if (!inHeld && !inPending) return;
    const top = d.top();
    if (inHeld) top.held = top.held.filter((h) => h.msgId !== e.msgId);
    if (inPending) top.pending = top.pending?.filter((h) => h.msgId !== e.msgId);
  }
}

function num(e: ControlEvent, key: string): number | undefined {
  const v = e.detail[key];
  return typeof v === 'number' ? v : undefined;
}

function applyControl(d: Draft, e: ControlEvent): void {
  const nodeId = num(e, 'node') ?? e.node;
  switch (e.name) {
    case 'Paused':
      d.top().paused = true;
      return;
    case 'Resumed': {
      const top = d.top();
      top.paused = false;
      top.pending = [];
      return;
    }
    case 'SpeedSet': {
      const factor = num(e, 'speed') ?? num(e, 'factor');
      if (factor != null) d.top().speed = factor;
      return;
    }
    case 'NodeCrashed': {
      const n = d.node(nodeId);
      if (n) n.status = 'crashed';
      return;
    }
    case 'NodeRestarted': {
      const n = d.node(nodeId);
      if (n) n.status = 'running';
      return;
    }
    case 'PartitionSet':
      if (Array.isArray(e.detail.groups)) d.top().partitions = e.detail.groups as number[][];
      return;
    case 'PartitionHealed':
      d.top().partitions = [];
      return;
    case 'LinkRuleSet':
    case 'LinkRuleCleared':
      applyLinkRule(d, e);
      return;
    default:
      return;
  }
}

function applyLinkRule(d: Draft, e: ControlEvent): void {
  const from = num(e, 'from');
  const to = num(e, 'to');
  if (from == null || to == null) return;
  const top = d.top();
  const others = top.links.filter((l) => !(l.from === from && l.to === to));
  const rule = e.detail.rule as LinkRule | undefined;
  top.links = e.name === 'LinkRuleSet' && rule ? [...others, { from, to, rule }] : others;
}
