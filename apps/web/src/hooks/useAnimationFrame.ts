import { useEffect, useRef } from 'react';

/**
 * Calls `draw` on every animation frame while `active`. Browsers stop animation frames in
 * background tabs, so drawing pauses there by itself and resumes on return.
 */
export function useAnimationFrame(draw: (nowLocalMs: number) => void, active = true): void {
  const latest = useRef(draw);
  latest.current = draw;
  useEffect(() => {
    if (!active) return;
    let handle = requestAnimationFrame(function frame() {
      latest.current(Date.now());
      handle = requestAnimationFrame(frame);
    });
    return () => cancelAnimationFrame(handle);
  }, [active]);
}
