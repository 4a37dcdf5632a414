import { easeCubicInOut, interpolateNumber } from 'd3';
import { useEffect, useRef, useState } from 'react';
import type { Point, RingLayout } from '../model/ringLayout.ts';

const DURATION_MS = 700;

/**
 * The layout, with node positions gliding from where they were to where they now belong, so a
 * partition visibly pulls the sides apart instead of teleporting nodes.
 */
export function useTweenedLayout(target: RingLayout): RingLayout {
  const [shown, setShown] = useState(target);
  const current = useRef(target);

  useEffect(() => {
    const from = current.current.positions;
    const moves = [...target.positions].map(([id, to]) => {
      const start = from.get(id) ?? to;
      return { id, x: interpolateNumber(start.x, to.x), y: interpolateNumber(start.y, to.y) };
    });
    const moved = moves.some((m) => m.x(0) !== m.x(1) || m.y(0) !== m.y(1));
    const sizeChanged = current.current.width !== target.width;
    if (!moved || sizeChanged) {
      current.current = target;
      setShown(target);
      return;
    }
    const t0 = performance.now();
    let handle = requestAnimationFrame(function frame(now) {
      const t = easeCubicInOut(Math.min(1, (now - t0) / DURATION_MS));
      const positions = new Map<number, Point>(moves.map((m) => [m.id, { x: m.x(t), y: m.y(t) }]));
      current.current = { ...target, positions };
      setShown(current.current);
      if (t < 1) handle = requestAnimationFrame(frame);
    });
    return () => cancelAnimationFrame(handle);
  }, [target]);

  return shown;
}
