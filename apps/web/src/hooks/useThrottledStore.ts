import { useEffect, useState } from 'react';
import { useStore } from '../store/appStore.ts';
import type { AppState } from '../store/index.ts';

/**
 * A store value that updates at most every `ms`. Panels read as tables (logs, progress) do not
 * need sixty updates a second, and redrawing them that often under load costs more than the
 * ring and the messages together. `selector` must be stable (defined outside the component).
 */
export function useThrottledStore<T>(selector: (s: AppState) => T, ms: number): T {
  const [value, setValue] = useState(() => selector(useStore.getState()));
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = () => {
      timer = null;
      last = performance.now();
      setValue(() => selector(useStore.getState()));
    };
    update();
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (timer !== null || selector(s) === selector(prev)) return;
      timer = setTimeout(update, Math.max(0, ms - (performance.now() - last)));
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [selector, ms]);
  return value;
}

export const selectSnapshot = (s: AppState) => s.snapshot;
