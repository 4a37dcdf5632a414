import type { HeldMessageView } from '@raftlens/trace';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { entriesWord, messageStyle, nodeName } from '../../model/palette.ts';

/** Rows beyond this are summarised: a busy hold queues a message every heartbeat. */
const ROWS_MAX = 40;

/** Held messages with buttons to release or drop each one, or all of them. */
export function HeldList({ held }: { held: readonly HeldMessageView[] }) {
  const { run, busy } = useApiAction();
  if (held.length === 0) return <p className="muted">No messages are held.</p>;
  const all = (what: 'release' | 'drop') =>
    run(async (api) => {
      for (const h of held) await (what === 'release' ? api.release(h.msgId) : api.drop(h.msgId));
    });
  return (
    <>
      {held.length > 1 && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => all('release')}>
            Release all {held.length}
          </button>
          <button type="button" disabled={busy} onClick={() => all('drop')}>
            Drop all {held.length}
          </button>
        </div>
      )}
      <ul className="held-list">
        {held.slice(0, ROWS_MAX).map((h) => {
          const name = `${h.type} ${nodeName(h.from)} → ${nodeName(h.to)}`;
          return (
            <li key={h.msgId}>
              <span className="swatch" style={{ background: messageStyle(h.type).colour }} />
              <span className="held-name">
                {name}
                <small>
                  term {h.term} · index {h.index}
                  {h.entries ? ` · ${entriesWord(h.entries)}` : ''}
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
      {held.length > ROWS_MAX && (
        <p className="muted">… and {held.length - ROWS_MAX} more, oldest first.</p>
      )}
    </>
  );
}
