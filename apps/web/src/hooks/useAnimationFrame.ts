import { useEffect, useRef } from 'react';
import { useStore } from '../store/appStore.ts';

/**
 * Calls `draw` on every animation frame while `active` and the page is shown. Browsers stop
 * animation frames in background tabs by themselves; stopping on the page's own `pageHidden`
 * as well keeps drawing paused wherever frames keep coming (headless browsers, some embeds),
 * and drawing resumes on return.
 */
export function useAnimationFrame(draw: (nowLocalMs: number) => void, active = true): void {
  const latest = useRef(draw);
  latest.current = draw;
  const hidden = useStore((s) => s.pageHidden);
  const running = active && !hidden;
  useEffect(() => {
    if (!running) return;
    let handle = requestAnimationFrame(function frame() {
      latest.current(Date.now());
      handle = requestAnimationFrame(frame);
    });
    return () => cancelAnimationFrame(handle);
  }, [running]);
}
