/**
 * The core's typed state events, named as etcd raft's TLA+ trace logger names them
 * (`InitState`, `BecomeLeader`, `Commit`, `SendAppendEntriesRequest`, ...), plus a few of our own
 * for things a dashboard must explain (dropped proposals, a node that cannot campaign).
 *
 * Each event carries the node's state at that moment. Events are built only when a `traceSink`
 * is configured, so tracing costs nothing otherwise. A runtime adds the node, group, tick and
 * wall time and turns them into the trace package's `StateEvent`s.
 */
import type { DropReason } from './errors.ts';
import type { Raft } from './raft.ts';
import type { ConfChangeV2, LogIndex, Message, NodeId, StateType, Term } from './types.ts';

export type RaftTraceEventName =
  | 'InitState'
  | 'BecomeFollower'
  | 'BecomeCandidate'
  | 'BecomePreCandidate'
  | 'BecomeLeader'
  | 'Commit'
  /** A configuration change enters the leader's log. */
  | 'ChangeConf'
  /** A configuration takes effect (restored, or applied from a change). */
  | 'ApplyConfChange'
  /** The leader appends a normal entry of its own. */
  | 'Replicate'
  /** The leader moves a follower's Next back after a rejection. */
  | 'ReduceNextIndex'
  | 'SendAppendEntriesRequest'
  | 'ReceiveAppendEntriesRequest'
  | 'SendAppendEntriesResponse'
  | 'ReceiveAppendEntriesResponse'
  | 'SendRequestVoteRequest'
  | 'ReceiveRequestVoteRequest'
  | 'SendRequestVoteResponse'
  | 'ReceiveRequestVoteResponse'
  | 'SendSnapshot'
  | 'ReceiveSnapshot'
  /** A Ready was handed to the application. */
  | 'Ready'
  /** A proposal did not enter the log; `reason` says why. */
  | 'ProposalDropped'
  /**
   * A configuration change was replaced by an empty entry at the leader (etcd's behaviour when
   * it fails the propose-time checks); `reason` says which check.
   */
  | 'ConfChangeReplaced'
  /** The node was asked to campaign but cannot: it is not a voter in its configuration. */
  | 'NotPromotable';

/** The node state attached to every event (a superset of etcd's trace fields). */
export interface RaftTraceState {
  id: NodeId;
  term: Term;
  vote: NodeId;
  commit: LogIndex;
  role: StateType;
  lead: NodeId;
  lastIndex: LogIndex;
  /** Voters of the incoming and outgoing configuration (the latter empty unless joint). */
  conf: [NodeId[], NodeId[]];
  learners: NodeId[];
}

export interface RaftTraceEvent extends RaftTraceState {
  name: RaftTraceEventName;
  /**
   * The message sent or received, or the proposal dropped (the core's own object; do not
   * mutate it).
   */
  msg?: Message;
  /** For SendAppendEntriesRequest and ReduceNextIndex: the peer's progress afterwards. */
  progress?: { match: LogIndex; next: LogIndex };
  /** For ChangeConf and ConfChangeReplaced: the change. */
  confChange?: ConfChangeV2;
  /** For ProposalDropped and ConfChangeReplaced: why; for NotPromotable: a sentence. */
  reason?: DropReason | string;
}

const sortedIds = (s: ReadonlySet<NodeId>): NodeId[] => [...s].sort((a, b) => a - b);

/** Builds the event `name` with `r`'s current state and hands it to `sink`. */
export function emitTrace(
  r: Raft,
  sink: (e: RaftTraceEvent) => void,
  name: RaftTraceEventName,
  extra?: Partial<RaftTraceEvent>,
): void {
  const cfg = r.trk.config;
  sink({
    name,
    id: r.id,
    term: r.term,
    vote: r.vote,
    commit: r.raftLog.committed,
    role: r.state,
    lead: r.lead,
    lastIndex: r.raftLog.lastIndex(),
    conf: [sortedIds(cfg.voters[0]), sortedIds(cfg.voters[1])],
    learners: sortedIds(cfg.learners),
    ...extra,
  });
}

/** The event for a message sent, named as etcd's trace logger names it. */
export function traceSend(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgApp': {
      const pr = r.trk.progress.get(m.to);
      const progress = pr === undefined ? undefined : { match: pr.match, next: pr.next };
      r.trace('SendAppendEntriesRequest', { msg: m, progress });
      return;
    }
    case 'MsgHeartbeat':
      r.trace('SendAppendEntriesRequest', { msg: m });
      return;
    case 'MsgSnap':
      r.trace('SendSnapshot', { msg: m });
      return;
    case 'MsgAppResp':
    case 'MsgHeartbeatResp':
      r.trace('SendAppendEntriesResponse', { msg: m });
      return;
    case 'MsgVote':
    case 'MsgPreVote':
      r.trace('SendRequestVoteRequest', { msg: m });
      return;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      r.trace('SendRequestVoteResponse', { msg: m });
      return;
    default:
      return;
  }
}

/** The event for a message received, named as etcd's trace logger names it. */
export function traceReceive(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgApp':
    case 'MsgHeartbeat':
      r.trace('ReceiveAppendEntriesRequest', { msg: m });
      return;
    case 'MsgSnap':
      r.trace('ReceiveSnapshot', { msg: m });
      return;
    case 'MsgAppResp':
    case 'MsgHeartbeatResp':
      r.trace('ReceiveAppendEntriesResponse', { msg: m });
      return;
    case 'MsgVote':
    case 'MsgPreVote':
      r.trace('ReceiveRequestVoteRequest', { msg: m });
      return;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      r.trace('ReceiveRequestVoteResponse', { msg: m });
      return;
    default:
      return;
  }
}
