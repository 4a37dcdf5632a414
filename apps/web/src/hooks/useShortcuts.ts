/**
 * Keyboard shortcuts for the common actions. They stay out of the way while typing in a field
 * and when a modifier key is held, so the browser's own shortcuts keep working.
 */

import { useEffect } from 'react';
import { useUndo } from '../components/controls/useUndo.ts';
import { useStore } from '../store/appStore.ts';
import { useApiAction } from './useApiAction.ts';

/** Inputs where keys are text (a slider is not one: shortcuts work while it has focus). */
export function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement)
    return !['range', 'checkbox', 'radio'].includes(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Space on a focused button, box or node should press it, not pause the cluster. */
function activatable(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLInputElement && target.type === 'range') return false;
  return target.closest('button, [role="button"], a, summary, input, select, textarea') !== null;
}

export function useShortcuts(): void {
  const { run } = useApiAction();
  const undo = useUndo();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Ctrl+Z (Cmd+Z) undoes the newest action, except in a field, where it undoes typing.
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') {
        if (typing(e.target)) return;
        e.preventDefault();
        void undo();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const s = useStore.getState();
      const paused = s.snapshot?.paused ?? false;
      // A replay shows the past: keys that act on the cluster now would act out of sight.
      if (s.replay && [' ', 's', 't', 'h'].includes(e.key)) return;
      switch (e.key) {
        case ' ':
          if (activatable(e.target)) return;
          e.preventDefault();
          void run((api) => (paused ? api.resume() : api.pause()));
          return;
        case 's':
          void run((api) => api.step('message'));
          return;
        case 't':
          void run((api) => api.step('tick'));
          return;
        case 'l':
          s.setLargeType(!s.largeType);
          return;
        case 'h':
          if (s.snapshot?.partitions.length) void run((api) => api.heal());
          return;
        case 'f':
          s.setFollow(true);
          return;
        case '?':
          s.setHelpOpen(!s.helpOpen);
          return;
        case 'Escape':
          s.selectNode(null);
          s.selectLink(null);
          s.selectMessage(null);
          return;
        default:
          if (/^[1-9]$/.test(e.key)) {
            const id = Number(e.key);
            if (s.snapshot?.nodes.some((n) => n.id === id)) s.selectNode(id);
          }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run, undo]);
}
