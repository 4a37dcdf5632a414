import type { GroupView, ProgressView } from '@raftlens/trace';
import { nodeName } from '../../model/palette.ts';

const STATE_WORDS: Record<ProgressView['state'], string> = {
  StateProbe: 'probe',
  StateReplicate: 'replicate',
  StateSnapshot: 'snapshot',
};

/** The leader's progress tracker: one row per peer, in etcd raft's words. */
export function ProgressTable({ leaderId, g }: { leaderId: number; g: GroupView }) {
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
          <tr key={id} className={rowClass(id, leaderId, p, g)}>
            <th scope="row">
              {nodeName(id)}
              {id === leaderId ? ' (self)' : ''}
            </th>
            <td>{p.match}</td>
            <td>{p.next}</td>
            <td className={`pstate ${p.state}`}>{STATE_WORDS[p.state]}</td>
            <td>
              {p.inflights}
              {p.inflightsFull ? ' full' : ''}
            </td>
            <td>{p.recentActive ? 'yes' : 'no'}</td>
            <td>{notes(p).join(', ')}</td>
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
  if (p.pendingSnapshot) out.push(`pending snapshot ${p.pendingSnapshot}`);
  return out;
}
