/**
 * Every colour the dashboard uses for a meaning: one per role, one per message type, one per term.
 * Colour is never the only carrier of a meaning; each use also has a label or a shape.
 */

import type { Role } from '@raftlens/trace';

export interface RoleStyle {
  /** Fill of the node disc. */
  fill: string;
  /** Text drawn on top of the fill. */
  ink: string;
  /** The word shown next to the node and read out by screen readers. */
  label: string;
}

export const ROLE_STYLES: Record<Role, RoleStyle> = {
  StateLeader: { fill: '#c2410c', ink: '#ffffff', label: 'leader' },
  StateCandidate: { fill: '#6d28d9', ink: '#ffffff', label: 'candidate' },
  StatePreCandidate: { fill: '#a78bfa', ink: '#1e1b4b', label: 'pre-candidate' },
  StateFollower: { fill: '#334e68', ink: '#ffffff', label: 'follower' },
};

export const CRASHED_STYLE: RoleStyle = { fill: '#d1d5db', ink: '#4b5563', label: 'crashed' };

export interface MessageStyle {
  colour: string;
  /** Responses are drawn hollow so request and response differ by shape as well as tint. */
  hollow: boolean;
  /** Short label for dots and legends. */
  short: string;
}

const REQUEST_COLOURS: Record<string, [string, string]> = {
  MsgApp: ['#1d4ed8', 'App'],
  MsgHeartbeat: ['#0f766e', 'HB'],
  MsgVote: ['#7c3aed', 'Vote'],
  MsgPreVote: ['#c026d3', 'PreVote'],
  MsgSnap: ['#ea580c', 'Snap'],
  MsgTimeoutNow: ['#dc2626', 'TimeoutNow'],
  MsgReadIndex: ['#0891b2', 'ReadIndex'],
  MsgProp: ['#475569', 'Prop'],
  MsgTransferLeader: ['#db2777', 'Transfer'],
  MsgForgetLeader: ['#78716c', 'Forget'],
};

/** The style of a message type; unknown types get a neutral grey rather than an error. */
export function messageStyle(type: string): MessageStyle {
  const isResponse = type.endsWith('Resp');
  const base = isResponse ? type.slice(0, -4) : type;
  const entry = REQUEST_COLOURS[base];
  if (!entry) return { colour: '#6b7280', hollow: isResponse, short: type.replace(/^Msg/, '') };
  return { colour: entry[0], hollow: isResponse, short: isResponse ? `${entry[1]}Resp` : entry[1] };
}

/** The message types shown in the legend and the filters, requests before their responses. */
export const COMMON_MESSAGE_TYPES = [
  'MsgApp',
  'MsgAppResp',
  'MsgHeartbeat',
  'MsgHeartbeatResp',
  'MsgVote',
  'MsgVoteResp',
  'MsgPreVote',
  'MsgPreVoteResp',
  'MsgSnap',
  'MsgTimeoutNow',
  'MsgReadIndex',
  'MsgReadIndexResp',
  'MsgProp',
  'MsgTransferLeader',
] as const;

/** Soft fills for log cells; terms cycle through them, and the cell also prints its term. */
const TERM_FILLS = [
  '#dbeafe',
  '#fde68a',
  '#bbf7d0',
  '#fbcfe8',
  '#ddd6fe',
  '#fed7aa',
  '#a5f3fc',
  '#e9d5ff',
  '#d9f99d',
  '#fecaca',
];

export function termFill(term: number): string {
  return TERM_FILLS[((term % TERM_FILLS.length) + TERM_FILLS.length) % TERM_FILLS.length] ?? '#eee';
}

/** The name of a node as the whole dashboard writes it. */
export function nodeName(id: number): string {
  return `n${id}`;
}

/** "1 entry", "3 entries": how many log entries a message carries. */
export function entriesWord(n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`;
}
