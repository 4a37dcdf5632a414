/**
 * The safety monitor: fed snapshots and events in order, it checks Raft's invariants as they
 * are observed and raises a critical finding the moment one breaks.
 *
 * - Election Safety: at most one leader per term.
 * - Log Matching: logs that share an entry (index and term) agree on it and on all before it.
 * - Leader Completeness: a leader holds every entry committed in an earlier term.
 * - State Machine Safety: no two nodes commit or apply different entries at one index.
 * - Monotonic commit: a node's commit index never decreases while it runs.
 * - Acknowledged writes are durable: an entry acknowledged to a client is never lost.
 *
 * Each violation is reported once. Pure: no clocks, no I/O; the same history gives the same
 * findings in the browser and on the server.
 */

import type {
  ClusterSnapshot,
  GroupView,
  NodeView,
  ProposalEvent,
  StateEvent,
  TraceEvent,
} from '@raftlens/trace';
import { controlTarget } from '../context.ts';
import { type Evidence, ev, type Finding, groupField } from '../finding.ts';
import { type Acked, type Committed, GroupLedger, type Sighting } from './ledger.ts';

type Observation = ClusterSnapshot | readonly TraceEvent[] | TraceEvent;

function isSnapshot(x: Observation): x is ClusterSnapshot {
  return !Array.isArray(x) && 'nodes' in x;
}

export class SafetyMonitor {
  private readonly groups = new Map<number, GroupLedger>();
  /** `node:group` -> the highest commit seen in the node's current incarnation. */
  private readonly commitFloor = new Map<string, { commit: number; evidence: Evidence }>();
  /** node -> last tick seen, to notice restarts that the trace does not announce. */
  private readonly lastTick = new Map<number, number>();
  private readonly proposals = new Map<string, { index?: number; term?: number }>();
  private readonly raised = new Set<string>();
  private readonly all: Finding[] = [];
  private fresh: Finding[] = [];

  /** Every violation found so far, in the order found. */
  get findings(): readonly Finding[] {
    return this.all;
  }

  /** Feeds one snapshot, one event or a batch of events; returns the violations they reveal. */
  observe(input: Observation): Finding[] {
    this.fresh = [];
    if (isSnapshot(input)) this.observeSnapshot(input);
    else if (Array.isArray(input)) for (const e of input) this.observeEvent(e);
    else this.observeEvent(input as TraceEvent);
    return this.fresh;
  }

  private ledger(g: number): GroupLedger {
    let l = this.groups.get(g);
    if (!l) {
      l = new GroupLedger();
      this.groups.set(g, l);
    }
    return l;
  }

  private raise(key: string, f: Finding): void {
    if (this.raised.has(key)) return;
    this.raised.add(key);
    this.all.push(f);
    this.fresh.push(f);
  }

  private restarted(node: number): void {
    for (const key of [...this.commitFloor.keys()]) {
      if (key.startsWith(`${node}:`)) this.commitFloor.delete(key);
    }
  }

  private noteTick(node: number, tick: number): void {
    const last = this.lastTick.get(node);
    if (last !== undefined && tick < last) this.restarted(node);
    this.lastTick.set(node, tick);
  }

  // Events.

  private observeEvent(e: TraceEvent): void {
    if (e.kind === 'control') {
      if (e.name === 'NodeRestarted' || e.name === 'NodeCrashed') this.restarted(controlTarget(e));
      return;
    }
    if (e.node !== 0) this.noteTick(e.node, e.tick);
    const l = this.ledger(e.group);
    if (e.kind === 'state') {
      l.maxTerm = Math.max(l.maxTerm, e.term);
      if (e.role === 'StateLeader') this.checkLeader(e.group, e.term, e.node, ev(e.seq), e.seq);
      if (e.name === 'BecomeLeader') this.checkNewLeaderLog(e);
      this.checkCommit(e.node, e.group, e.commit, ev(e.seq));
    } else if (e.kind === 'ready') {
      if (e.hardState) {
        l.maxTerm = Math.max(l.maxTerm, e.hardState.term);
        this.checkCommit(e.node, e.group, e.hardState.commit, ev(e.seq));
        if (e.softState?.role === 'StateLeader') {
          this.checkLeader(e.group, e.hardState.term, e.node, ev(e.seq), e.seq);
        }
      }
    } else if (e.kind === 'proposal') {
      this.observeProposal(e);
    }
  }

  private observeProposal(e: ProposalEvent): void {
    // A read's index is the commit index it waited for, not an entry of its own.
    if (e.op === 'read') return;
    const p = this.proposals.get(e.proposalId) ?? {};
    if (e.index !== undefined && e.index > 0) {
      p.index = e.index;
      if (e.term !== undefined) p.term = e.term;
    }
    this.proposals.set(e.proposalId, p);
    const l = this.ledger(e.group);
    if ((e.name === 'Committed' || e.name === 'Applied') && p.index && p.term) {
      this.recordCommitted(e.group, p.index, {
        term: p.term,
        content: '',
        node: e.node,
        seq: e.seq,
        commitTerm: Math.max(l.maxTerm, p.term),
      });
    }
    if (e.name === 'Answered' || e.name === 'Dropped') this.proposals.delete(e.proposalId);
    if (e.name === 'Answered' && e.ok && p.index && p.term) {
      this.recordAcked(e.group, {
        index: p.index,
        term: p.term,
        proposalId: e.proposalId,
        seq: e.seq,
      });
    }
  }

  // Snapshots.

  private observeSnapshot(s: ClusterSnapshot): void {
    for (const node of s.nodes) {
      if (node.status !== 'running') {
        this.restarted(node.id);
        continue;
      }
      this.noteTick(node.id, node.tick);
      for (const v of node.groups) this.observeGroupView(s.seq, node, v);
    }
  }

  private observeGroupView(seq: number, node: NodeView, v: GroupView): void {
    const g = v.group;
    const l = this.ledger(g);
    l.maxTerm = Math.max(l.maxTerm, v.term);
    if (v.role === 'StateLeader') {
      this.checkLeader(g, v.term, node.id, groupField(node.id, g, 'role', v.role), seq);
    }
    this.checkCommit(node.id, g, v.commit, groupField(node.id, g, 'commit', v.commit));
    const termAt = new Map<number, number>();
    if (v.log.snapshotIndex > 0) termAt.set(v.log.snapshotIndex, v.log.snapshotTerm);
    for (const e of v.log.entries) termAt.set(e.index, e.term);
    for (const e of v.log.entries) {
      const sighting: Sighting = {
        term: e.term,
        content: `${e.type}/${e.bytes}/${e.summary}`,
        node: node.id,
        seq,
      };
      this.checkMatching(g, e.index, termAt.get(e.index - 1), sighting);
      // Applied first: when two nodes applied different entries, that is the finding to raise.
      if (e.index <= v.applied) this.recordApplied(g, e.index, sighting);
      if (e.index <= v.commit) {
        this.recordCommitted(g, e.index, { ...sighting, commitTerm: v.term });
      }
    }
    if (v.role === 'StateLeader') this.checkLeaderHolds(g, node.id, v, termAt);
  }

  // The invariants.

  private checkLeader(g: number, term: number, node: number, evidence: Evidence, seq: number) {
    const l = this.ledger(g);
    const first = l.leaders.get(term);
    if (!first) {
      l.leaders.set(term, { node, seq });
      return;
    }
    if (first.node === node) return;
    this.raise(`TwoLeadersInTerm|${g}|${term}`, {
      code: 'TwoLeadersInTerm',
      severity: 'critical',
      group: g,
      nodes: [first.node, node],
      evidence: [ev(first.seq), evidence],
      summary: `Nodes ${first.node} and ${node} were both leader in term ${term}.`,
      detail:
        'Election Safety: each node votes once per term and a leader needs a majority, so two ' +
        'leaders in one term mean a vote was not persisted before it was sent, or the nodes ' +
        'disagree about who the voters are.',
    });
  }

  private checkCommit(node: number, g: number, commit: number, evidence: Evidence): void {
    const key = `${node}:${g}`;
    const floor = this.commitFloor.get(key);
    if (floor && commit < floor.commit) {
      this.raise(`CommitRegressed|${g}|${node}|${commit}`, {
        code: 'CommitRegressed',
        severity: 'critical',
        group: g,
        nodes: [node],
        evidence: [floor.evidence, evidence],
        summary: `Node ${node}'s commit index went back from ${floor.commit} to ${commit}.`,
        detail:
          'A committed entry stays committed; the commit index may only grow while a node ' +
          'runs (and a restart resumes from the persisted HardState).',
      });
      return;
    }
    if (!floor || commit > floor.commit) this.commitFloor.set(key, { commit, evidence });
  }

  private checkMatching(g: number, index: number, prevTerm: number | undefined, s: Sighting) {
    const l = this.ledger(g);
    const key = `${index}:${s.term}`;
    const known = l.entries.get(key);
    if (!known) {
      l.entries.set(key, { prevTerm, first: s });
      return;
    }
    if (known.prevTerm === undefined && prevTerm !== undefined) known.prevTerm = prevTerm;
    const contentDiffers = known.first.content !== '' && s.content !== known.first.content;
    const prefixDiffers =
      known.prevTerm !== undefined && prevTerm !== undefined && known.prevTerm !== prevTerm;
    if (!contentDiffers && !prefixDiffers) return;
    const what = contentDiffers
      ? 'different contents'
      : `different entries before it (term ${known.prevTerm} vs ${prevTerm} at ${index - 1})`;
    this.raise(`LogMismatch|${g}|${index}|${s.term}`, {
      code: 'LogMismatch',
      severity: 'critical',
      group: g,
      nodes: [known.first.node, s.node],
      entries: [index],
      evidence: [
        groupField(known.first.node, g, `log.entry.${index}.term`, s.term),
        groupField(s.node, g, `log.entry.${index}.term`, s.term),
        ev(known.first.seq),
        ev(s.seq),
      ],
      summary:
        `Nodes ${known.first.node} and ${s.node} both hold entry ${index} of term ${s.term} ` +
        `but with ${what}.`,
      detail:
        'Log Matching: an index and a term identify one entry and its whole prefix. A follower ' +
        'that appends without checking the previous entry, or storage that returns the wrong ' +
        'term, breaks it.',
    });
  }

  private recordCommitted(g: number, index: number, c: Committed): void {
    const l = this.ledger(g);
    const known = l.committed.get(index);
    if (known) {
      if (known.term !== c.term) {
        this.raise(`Committed|${g}|${index}`, {
          code: 'CommittedEntryChanged',
          severity: 'critical',
          group: g,
          nodes: [known.node, c.node],
          entries: [index],
          evidence: [
            groupField(known.node, g, `log.entry.${index}.term`, known.term),
            groupField(c.node, g, `log.entry.${index}.term`, c.term),
            ev(known.seq),
            ev(c.seq),
          ],
          summary:
            `Entry ${index} was committed with term ${known.term} (node ${known.node}), and ` +
            `later with term ${c.term} (node ${c.node}).`,
          detail:
            'State Machine Safety: once an entry is committed at an index, no other entry is ' +
            'ever committed or applied there.',
        });
      } else if (known.content === '' && c.content !== '') {
        l.committed.set(index, { ...c, commitTerm: Math.min(c.commitTerm, known.commitTerm) });
      }
      return;
    }
    l.committed.set(index, c);
    if (index > l.committedMax.index) l.committedMax = { index, term: c.term };
    this.checkAckedAgainst(g, index, c);
  }

  private recordApplied(g: number, index: number, s: Sighting): void {
    const l = this.ledger(g);
    const known = l.applied.get(index);
    if (!known) {
      l.applied.set(index, s);
      return;
    }
    if (known.term === s.term && known.content === s.content) return;
    this.raise(`Committed|${g}|${index}`, {
      code: 'AppliedEntriesDiffer',
      severity: 'critical',
      group: g,
      nodes: [known.node, s.node],
      entries: [index],
      evidence: [ev(known.seq), ev(s.seq)],
      summary:
        `Nodes ${known.node} and ${s.node} applied different entries at index ${index} ` +
        `(term ${known.term} and term ${s.term}).`,
      detail: 'State Machine Safety: every node applies the same entry at each index.',
    });
  }

  /**
   * A leader of term T must hold every entry committed in a term before T. Entries compacted
   * into its snapshot are held by definition.
   */
  private checkLeaderHolds(
    g: number,
    node: number,
    v: GroupView,
    termAt: Map<number, number>,
  ): void {
    const l = this.ledger(g);
    // Only the window and what lies beyond the log can be checked: entries compacted into the
    // leader's snapshot are held by definition, and the rest of its log is not in view.
    const from = Math.max(v.log.snapshotIndex + 1, v.log.entries[0]?.index ?? v.log.lastIndex + 1);
    for (let index = from; index <= l.committedMax.index; index++) {
      const c = l.committed.get(index);
      if (!c || c.commitTerm >= v.term) continue;
      const mine = index <= v.log.lastIndex ? termAt.get(index) : undefined;
      if (index <= v.log.lastIndex && (mine === undefined || mine === c.term)) continue;
      this.leaderIncomplete(
        g,
        node,
        v.term,
        index,
        c,
        groupField(node, g, 'log.lastIndex', v.log.lastIndex),
      );
      return;
    }
  }

  private checkNewLeaderLog(e: StateEvent): void {
    const l = this.ledger(e.group);
    for (let index = e.lastIndex + 1; index <= l.committedMax.index; index++) {
      const c = l.committed.get(index);
      if (c && c.commitTerm < e.term) {
        this.leaderIncomplete(e.group, e.node, e.term, index, c, ev(e.seq));
        return;
      }
    }
  }

  private leaderIncomplete(
    g: number,
    node: number,
    term: number,
    index: number,
    c: Sighting,
    evidence: Evidence,
  ): void {
    this.raise(`LeaderMissingCommittedEntry|${g}|${term}`, {
      code: 'LeaderMissingCommittedEntry',
      severity: 'critical',
      group: g,
      nodes: [node, c.node],
      entries: [index],
      evidence: [evidence, ev(c.seq)],
      summary:
        `Node ${node} became leader of term ${term} without entry ${index} (term ${c.term}), ` +
        'which was already committed.',
      detail:
        'Leader Completeness: a voter grants its vote only to a candidate whose log is at least ' +
        'as up to date as its own, so every leader holds every committed entry. A vote granted ' +
        'without that check, or a log lost on restart, breaks it.',
    });
  }

  private recordAcked(g: number, a: Acked) {
    const l = this.ledger(g);
    const exact = l.committed.get(a.index);
    if (exact?.term === a.term) return;
    const below = exact ? ([a.index, exact] as const) : l.committedAtOrBelow(a.index);
    if (below && below[1].term > a.term) {
      this.ackedLost(g, a, below[0], below[1]);
      return;
    }
    if (exact && exact.term !== a.term) {
      this.ackedLost(g, a, a.index, exact);
      return;
    }
    const list = l.acked.get(a.index) ?? [];
    list.push(a);
    l.acked.set(a.index, list);
  }

  /** A newly committed entry confirms the acknowledged write at its index, or dooms others. */
  private checkAckedAgainst(g: number, index: number, c: Sighting): void {
    const l = this.ledger(g);
    for (const [i, list] of [...l.acked]) {
      if (i < index) continue;
      const keep = list.filter((a) => {
        if (i === index && a.term === c.term) return false;
        if (i === index || c.term > a.term) {
          this.ackedLost(g, a, index, c);
          return false;
        }
        return true;
      });
      if (keep.length > 0) l.acked.set(i, keep);
      else l.acked.delete(i);
    }
  }

  private ackedLost(g: number, a: Acked, at: number, c: Sighting): void {
    this.raise(`AckedWriteLost|${g}|${a.proposalId}`, {
      code: 'AckedWriteLost',
      severity: 'critical',
      group: g,
      nodes: [c.node],
      entries: [a.index],
      proposals: [a.proposalId],
      evidence: [ev(a.seq), ev(c.seq), groupField(c.node, g, `log.entry.${at}.term`, c.term)],
      summary:
        `Write ${a.proposalId} was acknowledged at entry ${a.index} (term ${a.term}), but ` +
        (at === a.index
          ? `entry ${at} was committed with term ${c.term} instead: the write is lost.`
          : `entry ${at} was committed with term ${c.term}, so the write can never commit.`),
      detail:
        'A write may be acknowledged only after its entry is committed and applied. This one ' +
        'was acknowledged earlier (for example on append) and a new leader replaced it.',
    });
  }
}
