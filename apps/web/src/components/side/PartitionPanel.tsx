import { useApiAction } from '../../hooks/useApiAction.ts';
import { selectSnapshot, useThrottledStore } from '../../hooks/useThrottledStore.ts';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { leaderOf, nodeGroups } from '../../store/selectors.ts';

const SIDES = ['A', 'B', 'C'];

/** Compose a partition by putting each node on a side, then split or heal the network. */
export function PartitionPanel() {
  const snapshot = useThrottledStore(selectSnapshot, 250);
  const group = useStore((s) => s.group);
  const draft = useStore((s) => s.partitionDraft);
  const setDraft = useStore((s) => s.setPartitionDraft);
  const { run, busy } = useApiAction();
  if (!snapshot) return null;
  const ids = snapshot.nodes.map((n) => n.id);
  // Until the reader moves a node, the sides shown are the network's present ones.
  const present = (id: number) =>
    Math.max(
      0,
      snapshot.partitions.findIndex((g) => g.includes(id)),
    );
  const sideOf = (id: number) => draft[id] ?? present(id);
  const groups = SIDES.map((_, i) => ids.filter((id) => sideOf(id) === i)).filter(
    (g) => g.length > 0,
  );
  const leader = leaderOf(nodeGroups(snapshot, group));
  const split = (gs: number[][]) => run((api) => api.partition(gs));

  return (
    <section className="panel" aria-labelledby="partition-h">
      <h2 id="partition-h">Partition</h2>
      <fieldset className="partition-grid">
        <legend className="sr-only">Side of each node</legend>
        {ids.map((id) => (
          <fieldset key={id} className="segmented small">
            <legend>{nodeName(id)}</legend>
            {SIDES.map((side, i) => (
              <label key={side} className={sideOf(id) === i ? 'on' : ''}>
                <input
                  type="radio"
                  name={`side-${id}`}
                  checked={sideOf(id) === i}
                  aria-label={`${nodeName(id)} on side ${side}`}
                  onChange={() =>
                    setDraft({ ...Object.fromEntries(ids.map((n) => [n, sideOf(n)])), [id]: i })
                  }
                />
                {side}
              </label>
            ))}
          </fieldset>
        ))}
      </fieldset>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy || groups.length < 2}
          onClick={() => split(groups)}
        >
          {groups.length < 2
            ? 'Split (put nodes on two sides)'
            : `Split into ${groups.length} sides`}
        </button>
        <button
          type="button"
          disabled={busy || !leader}
          onClick={() => {
            if (!leader) return;
            const id = leader.node.id;
            setDraft(Object.fromEntries(ids.map((n) => [n, n === id ? 1 : 0])));
            void split([ids.filter((n) => n !== id), [id]]);
          }}
        >
          Isolate the leader
        </button>
        <button
          type="button"
          disabled={busy || snapshot.partitions.length === 0}
          onClick={() => run((api) => api.heal())}
        >
          Heal
        </button>
      </div>
    </section>
  );
}
