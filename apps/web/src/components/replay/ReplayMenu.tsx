/**
 * The header's replay controls: the LIVE / REPLAY badge, "Open trace…" (a file picker),
 * "Rewind" (the live cluster's recording, opened at the present) and "Copy link", the three as
 * compact buttons with their words as names and tooltips.
 */

import { useRef } from 'react';
import { useStore } from '../../store/appStore.ts';
import { momentLink, openClusterRecording, openFile } from './replay.ts';

export function ReplayBadge() {
  const replaying = useStore((s) => s.replay !== null);
  return (
    <span
      className={`mode-badge ${replaying ? 'replay' : 'live'}`}
      data-testid="mode-badge"
      title={replaying ? 'Showing a recording, not the cluster now' : 'Showing the cluster now'}
    >
      {replaying ? 'REPLAY' : 'LIVE'}
    </span>
  );
}

export function ReplayMenu() {
  const input = useRef<HTMLInputElement>(null);
  const replaying = useStore((s) => s.replay !== null);
  const loading = useStore((s) => s.replayLoading !== null);
  const cluster = useStore((s) => s.clusterName);
  const connected = useStore((s) => s.snapshot !== null);
  const notify = useStore((s) => s.notify);
  const canLink = useStore((s) => s.replay === null || momentLinkPossible(s.replay));

  const copy = async () => {
    const link = momentLink();
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      notify('success', 'Link to this moment copied.');
    } catch {
      // Clipboard access can be refused (an insecure origin); show the link to copy by hand.
      window.prompt('Copy this link:', link);
    }
  };

  const linkTip = canLink
    ? 'Copy a link to the moment shown'
    : 'A file opened from disk has no address; open it from a URL to share it';
  return (
    <div className="replay-menu tool-group">
      <input
        ref={input}
        type="file"
        accept=".ndjson,.json,.jsonl,.log,.txt,application/x-ndjson"
        className="sr-only"
        tabIndex={-1}
        aria-label="Trace file"
        data-testid="trace-file"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void openFile(file);
        }}
      />
      <button
        type="button"
        className="tool"
        disabled={loading}
        aria-keyshortcuts="O"
        aria-label="Open trace…"
        data-tip="Open a recorded trace, or drop one on the page (O)"
        onClick={() => input.current?.click()}
      >
        <OpenIcon />
      </button>
      {!replaying && (
        <button
          type="button"
          className="tool"
          disabled={!connected || loading}
          aria-label="Rewind"
          data-tip="Rewind: open this cluster's recording, to go back in time"
          onClick={() => void openClusterRecording(cluster)}
        >
          <RewindIcon />
        </button>
      )}
      <button
        type="button"
        className="tool"
        disabled={!canLink}
        aria-label="Copy link"
        data-tip={linkTip}
        onClick={() => void copy()}
      >
        <LinkIcon />
      </button>
    </div>
  );
}

function momentLinkPossible(r: NonNullable<ReturnType<typeof useStore.getState>['replay']>) {
  if (r.source.kind !== 'file') return true;
  return r.info.header.mode === 'simulated' && r.info.header.seed !== undefined;
}

/**
 * Two left-pointing triangles, drawn rather than written: the "⏪" character is an emoji that
 * many machines' fonts (a classroom's Linux box among them) draw as an empty box.
 */
function RewindIcon() {
  return (
    <svg className="btn-icon" width="1.1em" height="1.1em" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M8 3v10L1 8zM15 3v10L8 8z" fill="currentColor" />
    </svg>
  );
}

/** A line icon the size of the button's text, drawn in its colour. */
function StrokeIcon({ width, children }: { width: number; children: React.ReactNode }) {
  return (
    <svg
      className="btn-icon"
      width="1.1em"
      height="1.1em"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={width}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

/** An open folder: a file to choose. */
function OpenIcon() {
  return (
    <StrokeIcon width={1.5}>
      <path d="M1.5 13.5V3h4.5l1.5 1.5h5.5V7" />
      <path d="M1.5 13.5 4 7h11l-2.5 6.5z" />
    </StrokeIcon>
  );
}

/** Two links of a chain: a link to share. */
function LinkIcon() {
  return (
    <StrokeIcon width={1.6}>
      <path d="M6.8 9.2a3 3 0 0 0 4.2 0l2.3-2.3a3 3 0 0 0-4.2-4.2L8 3.8" />
      <path d="M9.2 6.8a3 3 0 0 0-4.2 0L2.7 9.1a3 3 0 0 0 4.2 4.2L8 12.2" />
    </StrokeIcon>
  );
}
