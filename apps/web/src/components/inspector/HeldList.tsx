import type { HeldMessageView } from '@raftlens/trace';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { messageStyle, nodeName } from '../../model/palette.ts';

/** Held messages with buttons to release or drop each one. */
export function HeldList({ held }: { held: readonly HeldMessageView[] }) {
  const { run, busy } = useApiAction();
  if (held.length === 0) return <p className="muted">No messages are held.</p>;
  return (
    <ul className="held-list">
      {held.map((h) => {
        const name = `${h.type} ${nodeName(h.from)} → ${nodeName(h.to)}`;
        return (
          <li key={h.msgId}>
            <span className="swatch" style={{ background: messageStyle(h.type).colour }} />
            <span className="held-name">
              {name}
              <small>
                term {h.term} · index {h.index}
                {h.entries ? ` · ${h.entries} entries` : ''}
              </small>
            </span>
            <button
              type="button"
              disabled={busy}
              aria-label={`Release ${name}`}
              onClick={() => run((api) => api.release(h.msgId))}
            >
              Release
            </button>
            <button
              type="button"
              disabled={busy}
              aria-label={`Drop ${name}`}
              onClick={() => run((api) => api.drop(h.msgId))}
            >
              Drop
            </button>
          </li>
        );
      })}
    </ul>
  );
}
