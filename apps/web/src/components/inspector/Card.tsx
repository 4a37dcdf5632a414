import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A floating panel over the stage for whatever is selected. It takes focus when it opens, so
 * keyboard users land in it, and Escape (handled by the shortcuts) closes it.
 */
export function Card(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Which side of the stage the card floats on: the side away from what it is about. */
  side?: 'left' | 'right';
}) {
  const ref = useRef<HTMLElement>(null);
  // The card is keyed by what it shows, so mounting is opening.
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section
      className={`card ${props.side ?? 'right'}`}
      aria-label={props.title}
      tabIndex={-1}
      ref={ref}
    >
      <header className="card-head">
        <h2>{props.title}</h2>
        <button type="button" className="icon" aria-label="Close" onClick={props.onClose}>
          ✕
        </button>
      </header>
      {props.children}
    </section>
  );
}
