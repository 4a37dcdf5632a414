/**
 * The header's Undo: a button that takes back the newest action on this cluster (Ctrl+Z does
 * the same) and, beside it, the list of what can be undone, newest first, in plain words.
 */

import { useMemo } from 'react';
import { useStore } from '../../store/appStore.ts';
import { useUndo } from './useUndo.ts';

export function UndoControl() {
  const cluster = useStore((s) => s.clusterName);
  const stack = useStore((s) => s.undoStack);
  const mine = useMemo(
    () => stack.filter((e) => e.cluster === cluster).reverse(),
    [stack, cluster],
  );
  const undo = useUndo();
  const top = mine[0];
  return (
    <div className="undo">
      <button
        type="button"
        disabled={!top}
        aria-keyshortcuts="Control+Z"
        title={top ? `Undo “${top.did}”: ${top.undo} (Ctrl+Z)` : 'Nothing to undo'}
        onClick={() => void undo()}
      >
        ↶ Undo
        {top ? <span className="undo-what">{top.did}</span> : null}
      </button>
      {mine.length > 0 && (
        <details className="undo-list">
          <summary aria-label={`What can be undone: ${mine.length} actions`}>{mine.length}</summary>
          <ol aria-label="Actions to undo, newest first">
            {mine.map((e) => (
              <li key={e.id}>
                <span className="undo-did">{e.did}</span>
                <span className="undo-how">undo: {e.undo}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
