import { useId, useState } from 'react';
import { ApiError } from '../../api/index.ts';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { nodeName } from '../../model/palette.ts';

/** A key-value client: writes resolve once applied, reads go through ReadIndex. */
export function ClientPanel() {
  const { run, busy } = useApiAction();
  const [key, setKey] = useState('x');
  const [value, setValue] = useState('1');
  const [answer, setAnswer] = useState('');
  const keyId = useId();
  const valueId = useId();

  const write = async () => {
    const r = await run((api) => api.put(key, value));
    if (r) {
      setAnswer(
        `${r.key} = ${r.value} committed at index ${r.index} (term ${r.term}) by ` +
          `${nodeName(r.leader)} in ${Math.round(r.latencyMs)} ms`,
      );
    }
  };
  const read = async () => {
    const r = await run((api) =>
      api.get(key).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'KeyNotFound') return null;
        throw err;
      }),
    );
    if (r === null) setAnswer(`${key} is not set`);
    if (r) {
      const v = r.value === null ? 'not set' : `= ${r.value}`;
      setAnswer(`${r.key} ${v} (read index ${r.readIndex} via ${nodeName(r.node)})`);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${keyId}-h`}>
      <h2 id={`${keyId}-h`}>Client</h2>
      <form
        className="kv-form"
        onSubmit={(e) => {
          e.preventDefault();
          void write();
        }}
      >
        <label htmlFor={keyId}>key</label>
        <input id={keyId} value={key} onChange={(e) => setKey(e.target.value)} required />
        <label htmlFor={valueId}>value</label>
        <input id={valueId} value={value} onChange={(e) => setValue(e.target.value)} />
        <div className="kv-buttons">
          <button type="submit" className="primary" disabled={busy || !key}>
            Write
          </button>
          <button type="button" disabled={busy || !key} onClick={read}>
            Read
          </button>
        </div>
      </form>
      <output className="kv-answer" aria-live="polite">
        {busy ? 'waiting for the cluster…' : answer}
      </output>
    </section>
  );
}
