/**
 * Trace events as plain sentences for the event feed ("n2 became leader for term 3").
 *
 * Only the events a person would narrate get a sentence; sends, deliveries and the bookkeeping
 * of Ready are left to the diagrams, or the feed would scroll faster than anyone can read.
 */

import type {
  ControlEvent,
  LinkRule,
  NetEvent,
  ProposalEvent,
  StateEvent,
  TraceEvent,
} from '@raftlens/trace';
import { ruleSummary } from './linkRules.ts';
import { nodeName } from './palette.ts';

export type FeedTone = 'role' | 'net' | 'client' | 'control' | 'finding' | 'commit';

export interface FeedItem {
  seq: number;
  wallMs: number;
  text: string;
  tone: FeedTone;
  /** Important enough to be read out by a screen reader. */
  announce: boolean;
  /** How many times the same sentence happened in a row (absent: once). */
  count?: number;
  /** The Raft group the event belongs to; the feed shows the chosen group's. */
  group?: number;
}

const groupSuffix = (group: number) => (group > 1 ? ` (group ${group})` : '');

export function describeEvent(e: TraceEvent): FeedItem | null {
  const said = say(e);
  if (!said) return null;
  return { seq: e.seq, wallMs: e.wallMs, group: e.group, ...said };
}

type Said = Omit<FeedItem, 'seq' | 'wallMs'>;

function say(e: TraceEvent): Said | null {
  switch (e.kind) {
    case 'state':
      return sayState(e);
    case 'net':
      return sayNet(e);
    case 'proposal':
      return sayProposal(e);
    case 'control':
      return sayControl(e);
    case 'finding':
      return e.name === 'FindingRaised'
        ? { text: `${severityWord(e.severity)}: ${e.summary}`, tone: 'finding', announce: true }
        : { text: `resolved: ${e.summary}`, tone: 'finding', announce: false };
    case 'ready':
    case 'progress':
      return null;
  }
}

function severityWord(severity: string): string {
  return severity === 'info' ? 'note' : severity;
}

function sayState(e: StateEvent): Said | null {
  const n = nodeName(e.node) + groupSuffix(e.group);
  switch (e.name) {
    case 'BecomeLeader':
      return { text: `${n} became leader for term ${e.term}`, tone: 'role', announce: true };
    case 'BecomeCandidate':
      return {
        text: `${n} became candidate for term ${e.term} and asks for votes`,
        tone: 'role',
        announce: true,
      };
    case 'BecomePreCandidate':
      return {
        text: `${n} started a pre-vote (still term ${e.term})`,
        tone: 'role',
        announce: false,
      };
    case 'BecomeFollower':
      return { text: `${n} became follower in term ${e.term}`, tone: 'role', announce: false };
    case 'Commit':
      if (e.role !== 'StateLeader') return null;
      return { text: `${n} committed up to index ${e.commit}`, tone: 'commit', announce: false };
    case 'ApplyConfChange':
      return {
        text: `${n} applied configuration change ${e.confChange ?? ''}`.trim(),
        tone: 'control',
        announce: false,
      };
    case 'ReceiveSnapshot':
      return {
        text: `${n} received a snapshot at index ${e.msg?.snapshot?.index ?? e.commit}`,
        tone: 'net',
        announce: false,
      };
    default:
      return null;
  }
}

function link(e: NetEvent): string {
  return `${nodeName(e.msg.from)} → ${nodeName(e.msg.to)} ${e.msg.type}`;
}

const WHOLESALE_DROPS: Record<string, string> = {
  partition: 'by the partition',
  crashed: 'because a node is down',
  transport: 'by the transport (is a node down?)',
};

const DROP_REASONS: Record<string, string> = {
  'link-rule': 'by a link rule',
  probability: 'by chance (drop rate)',
  partition: 'by the partition',
  crashed: 'because a node is down',
  manual: 'by hand',
  'paused-overflow': 'while paused (queue full)',
  transport: 'by the transport',
  fault: 'by an injected fault',
};

function sayNet(e: NetEvent): Said | null {
  switch (e.name) {
    case 'Hold':
      return { text: `${link(e)} held`, tone: 'net', announce: false };
    case 'Release':
      return { text: `${link(e)} released`, tone: 'net', announce: false };
    case 'Drop': {
      // A partition or a node down drops every message on the way; one line per direction
      // says it all, and repeats fold into it.
      const wholesale = WHOLESALE_DROPS[e.reason ?? ''];
      if (wholesale) {
        const pair = `${nodeName(e.msg.from)} → ${nodeName(e.msg.to)}`;
        return { text: `${pair} messages dropped ${wholesale}`, tone: 'net', announce: false };
      }
      const why = e.reason ? ` ${DROP_REASONS[e.reason] ?? `(${e.reason})`}` : '';
      return { text: `${link(e)} dropped${why}`, tone: 'net', announce: false };
    }
    case 'Duplicate':
      return { text: `${link(e)} duplicated`, tone: 'net', announce: false };
    default:
      return null;
  }
}

function sayProposal(e: ProposalEvent): Said | null {
  const what = e.op === 'put' ? `write of "${e.key ?? '?'}"` : e.op === 'read' ? 'read' : 'change';
  const at = nodeName(e.node);
  switch (e.name) {
    case 'Proposed':
      return { text: `${at} proposed the ${what}`, tone: 'client', announce: false };
    case 'Forwarded':
      return { text: `${at} forwarded the ${what} to the leader`, tone: 'client', announce: false };
    case 'Dropped':
      return {
        text: `${at} dropped the ${what}: ${e.reason ?? 'no reason given'}`,
        tone: 'client',
        announce: true,
      };
    case 'Committed':
      if (e.op === 'read') return null;
      return {
        text: `the ${what} committed at index ${e.index ?? '?'} (term ${e.term ?? '?'})`,
        tone: 'client',
        announce: false,
      };
    case 'Answered':
      if (e.ok === false) {
        return {
          text: `the ${what} failed: ${e.reason ?? 'error'}`,
          tone: 'client',
          announce: true,
        };
      }
      return {
        text: `the ${what} answered${e.latencyMs != null ? ` in ${Math.round(e.latencyMs)} ms` : ''}`,
        tone: 'client',
        announce: false,
      };
    default:
      return null;
  }
}

function detailNumber(e: ControlEvent, key: string): number | undefined {
  const v = e.detail[key];
  return typeof v === 'number' ? v : undefined;
}

/** The node a control event concerns, from its details or the event itself. */
export function controlNode(e: ControlEvent): number | undefined {
  return detailNumber(e, 'node') ?? (e.node || undefined);
}

function sayControl(e: ControlEvent): Said | null {
  const node = controlNode(e);
  const n = node != null ? nodeName(node) : 'a node';
  const c = (text: string, announce = true): Said => ({ text, tone: 'control', announce });
  switch (e.name) {
    case 'ClusterStarted':
      return c('cluster started');
    case 'Paused':
      return c('cluster paused');
    case 'Resumed':
      return c('cluster resumed');
    case 'Stepped':
      return c(`stepped one ${e.detail.did === 'tick' ? 'tick' : 'message'}`, false);
    case 'SpeedSet':
      return c(
        `speed set to ${formatSpeed(detailNumber(e, 'speed') ?? detailNumber(e, 'factor') ?? 1)}`,
        false,
      );
    case 'LinkRuleSet': {
      const rule = e.detail.rule as LinkRule | undefined;
      return c(`link ${linkWords(e)}: ${rule ? ruleSummary(rule) : 'rule set'}`);
    }
    case 'LinkRuleCleared':
      return c(`link rule cleared on ${linkWords(e)}`);
    case 'PartitionSet':
      return c(`network partitioned: ${partitionWords(e.detail.groups)}`);
    case 'PartitionHealed':
      return c('partition healed');
    case 'NodeCrashed':
      return c(`${n} crashed`);
    case 'NodeRestarted':
      return c(`${n} restarted`);
    case 'NodeAdded':
      return c(`${n} added${e.detail.learner ? ' as a learner' : ''}`);
    case 'NodeRemoved':
      return c(`${n} removed`);
    case 'LeaderTransferRequested': {
      const to = detailNumber(e, 'to');
      return c(`leadership transfer to ${to != null ? nodeName(to) : 'a node'} requested`);
    }
    case 'Campaigned':
      return c(
        `${n} was told to start an election${e.detail.queued ? ' (queued while paused)' : ''}`,
      );
    case 'MembershipChangeRequested':
      return c(`${n} proposed ${membershipWords(e.detail)}`);
    case 'Compacted': {
      const index = detailNumber(e, 'index');
      return c(`${n} compacted its log${index != null ? ` up to index ${index}` : ''}`, false);
    }
    case 'TransportError':
      return c(`transport error at ${n}`, false);
  }
}

function linkWords(e: ControlEvent): string {
  const from = detailNumber(e, 'from');
  const to = detailNumber(e, 'to');
  if (from == null || to == null) return 'a link';
  return `${nodeName(from)} → ${nodeName(to)}`;
}

function partitionWords(groups: unknown): string {
  if (!Array.isArray(groups)) return 'groups';
  return groups
    .map((g) => (Array.isArray(g) ? `{${g.map((id) => nodeName(Number(id))).join(', ')}}` : '?'))
    .join(' | ');
}

/** A speed factor as people say it: 1×, 0.25×, 0.01×. */
export function formatSpeed(factor: number): string {
  const digits = factor >= 1 ? 0 : factor >= 0.1 ? 2 : 3;
  return `${Number(factor.toFixed(digits))}×`;
}

const CHANGE_WORDS: Record<string, string> = {
  'add-voter': 'add voter',
  'add-learner': 'add learner',
  remove: 'remove',
};

/** "a membership change: add voter n6, remove n2 (through a joint configuration)". */
function membershipWords(detail: Record<string, unknown>): string {
  if (detail.leave) return 'leaving the joint configuration';
  const changes = Array.isArray(detail.changes) ? detail.changes : [];
  const words = changes.map((ch) => {
    const { type, node } = (ch ?? {}) as { type?: string; node?: number };
    return `${CHANGE_WORDS[type ?? ''] ?? type} ${node != null ? nodeName(node) : '?'}`;
  });
  const joint =
    detail.transition === 'explicit'
      ? ' (joint, left by hand)'
      : detail.transition === 'implicit' || changes.length > 1
        ? ' (through a joint configuration)'
        : '';
  return `a membership change: ${words.join(', ') || 'none'}${joint}`;
}
