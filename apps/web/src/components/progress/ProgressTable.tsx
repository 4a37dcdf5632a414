import type { ClusterSnapshot, GroupView, ProgressView } from '@raftlens/trace';
import { partitioned, ruleOn, ruleSummary } from '../../model/linkRules.ts';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { progressMarks } from '../diagnosis/evidence.ts';

const STATE_WORDS: Record<ProgressView['state'], string> = {
  StateProbe: 'probe',
  StateReplicate: 'replicate',
  StateSnapshot: 'snapshot',
};

/** The leader's progress tracker: one row per peer, in etcd raft's words. */
export function ProgressTable(props: {
  leaderId: number;
  g: GroupView;
  snapshot: ClusterSnapshot;
}) {
  const { leaderId, g, snapshot } = props;
  const highlight = useStore((s) => s.highlight);
  // Evidence a finding rests on: whole rows and single fields of the leader's tracker.
  const lit = progressMarks(highlight, leaderId, g.group);
  const cell = (id: number, field: string) =>
    lit.cells.has(`${id}.${field}`) ? 'evidence' : undefined;
  // A replayed trace lists what it never told (see @raftlens/trace's ReplaySnapshot): a dash.
  const unknown = new Set((snapshot as { unknown?: string[] }).unknown ?? []);
  const told = (id: number, field: string) =>
    !unknown.has(`nodes.${leaderId}.groups.${g.group}.progress.${id}.${field}`);
  const rows = Object.entries(g.progress ?? {})
    .map(([id, p]) => [Number(id), p] as const)
    .sort((a, b) => a[0] - b[0]);
  return (
    <table className="progress-table">
      <caption>
        {nodeName(leaderId)}'s progress tracker (term {g.term}, last index {g.log.lastIndex})
      </caption>
      <thead>
        <tr>
          <th scope="col">peer</th>
          <th scope="col">match</th>
          <th scope="col">next</th>
          <th scope="col">state</th>
          <th scope="col">inflights</th>
          <th scope="col">active</th>
          <th scope="col">notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([id, p]) => (
          <tr
            key={id}
            className={`${rowClass(id, leaderId, p, g)}${lit.rows.has(id) ? ' evidence-row' : ''}`}
          >
            <th scope="row">
              {nodeName(id)}
              {id === leaderId ? ' (self)' : ''}
            </th>
            <td className={cell(id, 'match')}>{p.match}</td>
            <td className={cell(id, 'next')}>{p.next}</td>
            <td className={`pstate ${p.state} ${cell(id, 'state') ?? ''}`}>
              {told(id, 'state') ? STATE_WORDS[p.state] : '–'}
            </td>
            <td className={cell(id, 'inflights') ?? cell(id, 'inflightsFull')}>
              {p.inflights < 0 ? '–' : p.inflights}
              {p.inflightsFull ? ' full' : ''}
            </td>
            <td className={cell(id, 'recentActive')}>
              {told(id, 'recentActive') ? (p.recentActive ? 'yes' : 'no') : '–'}
            </td>
            <td>{[...notes(p), ...why(snapshot, leaderId, id)].join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function rowClass(id: number, leaderId: number, p: ProgressView, g: GroupView): string {
  if (id === leaderId) return 'self';
  if (p.paused || p.inflightsFull || !p.recentActive || p.state !== 'StateReplicate') return 'attn';
  return p.match < g.log.lastIndex ? 'behind' : '';
}

function notes(p: ProgressView): string[] {
  const out: string[] = [p.isLearner ? 'learner' : 'voter'];
  if (p.paused) out.push('paused');
  if (p.msgAppFlowPaused && !p.paused) out.push('flow paused');
  if (p.pendingSnapshot > 0) out.push(`pending snapshot ${p.pendingSnapshot}`);
  return out;
}

/** What in the network or the cluster stands between the leader and this peer. */
function why(snapshot: ClusterSnapshot, leaderId: number, id: number): string[] {
  if (id === leaderId) return [];
  const out: string[] = [];
  if (snapshot.nodes.find((n) => n.id === id)?.status !== 'running') out.push('node down');
  if (partitioned(snapshot.partitions, leaderId, id)) out.push('cut off by the partition');
  const there = ruleOn(snapshot.links, leaderId, id);
  const back = ruleOn(snapshot.links, id, leaderId);
  if (there) out.push(`link rule → ${ruleSummary(there)}`);
  if (back) out.push(`link rule ← ${ruleSummary(back)}`);
  return out;
}
