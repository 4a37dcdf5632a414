import { useApiAction } from '../../hooks/useApiAction.ts';
import { useStore } from '../../store/appStore.ts';
import { SpeedSlider } from './SpeedSlider.tsx';

/** Pause and resume, single steps while paused, and the speed. */
export function PlaybackControls() {
  const paused = useStore((s) => s.snapshot?.paused ?? false);
  const connected = useStore((s) => s.snapshot !== null);
  const { run, busy } = useApiAction();
  const stepHint = paused ? '' : ' (pause first)';
  return (
    <fieldset className="playback">
      <legend className="sr-only">Playback</legend>
      <button
        type="button"
        className={`primary${paused ? ' resume' : ''}`}
        disabled={!connected}
        aria-keyshortcuts="Space"
        onClick={() => run((api) => (paused ? api.resume() : api.pause()))}
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <button
        type="button"
        disabled={!paused || busy}
        aria-keyshortcuts="S"
        title={`Deliver the next message${stepHint}`}
        onClick={() => run((api) => api.step('message'))}
      >
        Step message
      </button>
      <button
        type="button"
        disabled={!paused || busy}
        aria-keyshortcuts="T"
        title={`Advance every node one tick${stepHint}`}
        onClick={() => run((api) => api.step('tick'))}
      >
        Step tick
      </button>
      <SpeedSlider />
    </fieldset>
  );
}
