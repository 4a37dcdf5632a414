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
      {/* "Step" once, then what a step is: the buttons keep their whole names for a reader. */}
      <div className="step-group">
        <span className="step-label" aria-hidden="true">
          Step
        </span>
        <button
          type="button"
          disabled={!paused || busy}
          aria-keyshortcuts="S"
          aria-label="Step message"
          title={`Deliver the next message${stepHint} (S)`}
          onClick={() => run((api) => api.step('message'))}
        >
          message
        </button>
        <button
          type="button"
          disabled={!paused || busy}
          aria-keyshortcuts="T"
          aria-label="Step tick"
          title={`Advance every node one tick${stepHint} (T)`}
          onClick={() => run((api) => api.step('tick'))}
        >
          tick
        </button>
      </div>
      <SpeedSlider />
    </fieldset>
  );
}
