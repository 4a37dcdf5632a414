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

  // Bring the newest evidence into the space-time diagram's window.
  useEffect(() => {
    if (h?.latestWallMs == null) return;
    const s = useStore.getState();
    s.scrollTo(h.latestWallMs + Math.min(1000, s.windowSpanMs / 4));
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
