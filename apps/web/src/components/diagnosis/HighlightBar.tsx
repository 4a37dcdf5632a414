/**
 * While evidence is highlighted, a bar says what is highlighted and how to stop: the views keep
 * their highlight until it is cleared here, with X or with Escape.
 */

import { useEffect } from 'react';
import { useStore } from '../../store/appStore.ts';
import { highlightCounts } from './evidence.ts';

export function HighlightBar() {
  const h = useStore((s) => s.highlight);
  const setHighlight = useStore((s) => s.setHighlight);

  // Bring the newest evidence into the space-time diagram's window; clearing follows live again.
  useEffect(() => {
    if (h?.latestWallMs == null) return;
    // The window ends just after it: ordered by events, a busy second is more rows than fit.
    useStore.getState().scrollTo(h.latestWallMs + 1);
    return () => useStore.getState().setFollow(true);
  }, [h]);

  if (!h) return null;
  return (
    <div className="highlight-bar" role="status">
      <span className="hl-swatch" aria-hidden="true" />
      <span>
        Highlighted evidence: <strong>{h.label}</strong>
        <span className="muted"> · {highlightCounts(h) || 'nothing kept in view'}</span>
      </span>
      <button type="button" aria-keyshortcuts="X" onClick={() => setHighlight(null)}>
        Clear highlight
      </button>
    </div>
  );
}
