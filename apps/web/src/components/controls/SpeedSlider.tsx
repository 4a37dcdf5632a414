import { useEffect, useId, useRef, useState } from 'react';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { formatSpeed } from '../../model/describe.ts';
import { useStore } from '../../store/appStore.ts';
import { positionToSpeed, speedToPosition } from './speedScale.ts';

/**
 * The speed on a log scale from 1x down to 0.01x; the server is told once the hand rests. Its
 * name and value sit above the slider, which keeps the header's row short.
 */
export function SpeedSlider() {
  const speed = useStore((s) => s.snapshot?.speed ?? 1);
  const { run } = useApiAction();
  const [position, setPosition] = useState(() => speedToPosition(speed));
  const dragging = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const id = useId();

  useEffect(() => {
    if (!dragging.current) setPosition(speedToPosition(speed));
  }, [speed]);

  const change = (next: number) => {
    setPosition(next);
    dragging.current = true;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      dragging.current = false;
      void run((api) => api.setSpeed(positionToSpeed(next)));
    }, 200);
  };

  const shown = positionToSpeed(position);
  return (
    <div className="speed">
      <div className="speed-top">
        <label htmlFor={id}>Speed</label>
        <output htmlFor={id} className="speed-value">
          {formatSpeed(shown)}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={1}
        value={position}
        aria-valuetext={formatSpeed(shown)}
        onChange={(e) => change(Number(e.target.value))}
      />
    </div>
  );
}
