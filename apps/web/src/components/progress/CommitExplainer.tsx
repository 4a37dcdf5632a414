import type { GroupView } from '@raftlens/trace';
import { computeCommit, type QuorumHalf } from '../../model/commitMath.ts';
import { nodeName } from '../../model/palette.ts';

/**
 * How the leader finds its commit index: the voters' match values sorted, the quorum position,
 * and the current-term rule. For a joint configuration each half is shown and the lower wins.
 */
export function CommitExplainer({ g }: { g: GroupView }) {
  const c = computeCommit(g);
  if (!c) return null;
  const joint = c.halves.length > 1;
  return (
    <section className="commit" aria-labelledby="commit-h">
      <h3 id="commit-h">Commit computation</h3>
      {c.halves.map((h) => (
        <Half key={h.name} half={h} joint={joint} />
      ))}
      {joint && (
        <p>
          Joint configuration: both halves must agree, so the quorum index is the lower,{' '}
          <strong>{c.quorumIndex}</strong>.
        </p>
      )}
      <p className={c.heldBackByTerm ? 'warning' : ''}>
        {verdict(c.quorumIndex, c.quorumTerm, c.leaderTerm, c.commit, c.heldBackByTerm)}
      </p>
      {c.next && !c.heldBackByTerm && c.next.have.length < c.next.need && (
        <p className="next-entry">
          Index {c.next.index} is on {c.next.have.length} of the voters (
          {c.next.have.map(nodeName).join(', ') || 'none'}); it needs {c.next.need}.
        </p>
      )}
    </section>
  );
}

function Half({ half, joint }: { half: QuorumHalf; joint: boolean }) {
  const need = half.quorumPos + 1;
  return (
    <div className="quorum-half">
      {joint && <h4>{half.name === 'incoming' ? 'Incoming voters' : 'Outgoing voters'}</h4>}
      <ol className="match-row" aria-label="voters' match, highest first">
        {half.sorted.map((v, i) => (
          <li
            key={v.id}
            className={i === half.quorumPos ? 'quorum' : i < half.quorumPos ? 'ahead' : ''}
          >
            <span className="match-value">{v.match}</span>
            <span className="match-node">{nodeName(v.id)}</span>
          </li>
        ))}
      </ol>
      <p className="muted">
        Sorted highest first, position {need} of {half.sorted.length}: {need} voters have at least{' '}
        <strong>{half.index}</strong>.
      </p>
    </div>
  );
}

function verdict(
  index: number,
  term: number | undefined,
  leaderTerm: number,
  commit: number,
  heldBack: boolean,
): string {
  if (heldBack) {
    return (
      `A majority has index ${index}, but that entry is from term ${term}, not the leader's ` +
      `term ${leaderTerm}. Raft only commits entries of its own term by counting replicas, so ` +
      `commit stays at ${commit} until an entry of term ${leaderTerm} reaches a majority.`
    );
  }
  if (index > commit)
    return `A majority has index ${index}; commit will move to it (now ${commit}).`;
  return `Commit = ${commit}: the highest index a majority holds, in the leader's term.`;
}
