import { useApiAction } from '../../hooks/useApiAction.ts';
import { messageStyle, nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';

const ROWS = 8;

/** While paused: what the next steps will deliver, in order. */
export function PendingList() {
  const pending = useStore((s) => s.snapshot?.pending);
  const { run, busy } = useApiAction();
  const list = pending ?? [];
  return (
    <section className="panel" aria-labelledby="pending-h">
      <h2 id="pending-h">Waiting for a step ({list.length})</h2>
      {list.length === 0 ? (
        <p className="muted">No message is waiting: "Step tick" lets the nodes act.</p>
      ) : (
        <ol className="pending-list">
          {list.slice(0, ROWS).map((p) => (
            <li key={p.msgId}>
              <span className="swatch" style={{ background: messageStyle(p.type).colour }} />
              {p.type} {nodeName(p.from)} → {nodeName(p.to)}
              {p.index ? <small> · index {p.index}</small> : null}
            </li>
          ))}
          {list.length > ROWS && <li className="muted">… {list.length - ROWS} more</li>}
        </ol>
      )}
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => run((api) => api.step('message'))}>
          Deliver number 1
        </button>
      </div>
    </section>
  );
}
