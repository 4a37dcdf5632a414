import type { ConfStateView } from '@raftlens/trace';
import { confOutliers } from '../../model/commitMath.ts';
import { nodeName } from '../../model/palette.ts';
import type { NodeGroup } from '../../store/selectors.ts';

const ids = (xs: readonly number[]) => (xs.length ? xs.map(nodeName).join(' ') : '–');

/** Every node's configuration; a node that sees a different one than most is highlighted. */
export function ConfStates({ items }: { items: readonly NodeGroup[] }) {
  const confs = items.flatMap((it) =>
    it.group ? [{ id: it.node.id, conf: it.group.confState }] : [],
  );
  const { outliers } = confOutliers(confs);
  return (
    <table className="conf-table">
      <caption>
        ConfState per node{outliers.size ? ' (highlighted: differs from most)' : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">node</th>
          <th scope="col">voters</th>
          <th scope="col">outgoing</th>
          <th scope="col">learners</th>
          <th scope="col">auto-leave</th>
        </tr>
      </thead>
      <tbody>
        {confs.map(({ id, conf }) => (
          <tr key={id} className={outliers.has(id) ? 'differs' : ''}>
            <th scope="row">
              {nodeName(id)}
              {outliers.has(id) ? ' ≠' : ''}
            </th>
            <td>{ids(conf.voters)}</td>
            <td>{ids(conf.votersOutgoing)}</td>
            <td>{learnerText(conf)}</td>
            <td>{conf.votersOutgoing.length ? (conf.autoLeave ? 'yes' : 'no') : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function learnerText(conf: ConfStateView): string {
  const now = ids(conf.learners);
  return conf.learnersNext.length ? `${now} (next: ${ids(conf.learnersNext)})` : now;
}
