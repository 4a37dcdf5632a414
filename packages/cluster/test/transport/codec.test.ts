import { newMessage } from '@raftlens/raft';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/transport/codec.ts';
import type { Envelope } from '../../src/transport/types.ts';
import { envelopeArb } from './arbitraries.ts';

const heartbeat = (): Envelope => ({
  group: 1,
  msgId: 'n1-7',
  msg: newMessage({
    type: 'MsgHeartbeat',
    to: 2 as never,
    from: 1 as never,
    term: 3 as never,
    commit: 5 as never,
  }),
});

/** The JSON shape of an envelope on the wire, loosely typed so that tests can damage it. */
type Wire = { [key: string]: unknown; msg: Record<string, unknown> };

/** Encodes a heartbeat, lets `edit` damage the wire object, and decodes the result. */
function decodeEdited(edit: (wire: Wire) => void) {
  const wire = JSON.parse(encodeEnvelope(heartbeat()));
  edit(wire);
  return decodeEnvelope(JSON.stringify(wire));
}

describe('codec', () => {
  it('round-trips every envelope, byte payloads and nested responses included', () => {
    fc.assert(
      fc.property(envelopeArb, (env) => {
        const decoded = decodeEnvelope(encodeEnvelope(env));

        expect(decoded).toEqual({ ok: true, env });
      }),
      { numRuns: 500 },
    );
  });

  it('decodes payloads as plain Uint8Array, not Buffer', () => {
    const env = heartbeat();
    env.msg.context = new Uint8Array([1, 2, 3]);

    const decoded = decodeEnvelope(encodeEnvelope(env));

    expect(decoded.ok && decoded.env.msg.context.constructor).toBe(Uint8Array);
  });

  it('leaves zero fields out, so a heartbeat stays small', () => {
    const text = encodeEnvelope(heartbeat());

    expect(JSON.parse(text)).toEqual({
      group: 1,
      msgId: 'n1-7',
      msg: { type: 'MsgHeartbeat', to: 2, from: 1, term: 3, commit: 5 },
    });
  });

  it.each([
    ['not JSON', '{"group":1,', 'MalformedFrame'],
    ['empty', '', 'MalformedFrame'],
    ['a JSON array', '[1,2]', 'InvalidEnvelope'],
    ['JSON null', 'null', 'InvalidEnvelope'],
  ])('refuses a frame that is %s', (_name, text, code) => {
    const decoded = decodeEnvelope(text);

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.code).toBe(code);
  });

  it.each<[string, (w: Wire) => void, string]>([
    ['a negative group', (w) => (w.group = -1), 'InvalidEnvelope'],
    ['a fractional group', (w) => (w.group = 1.5), 'InvalidEnvelope'],
    ['an empty msgId', (w) => (w.msgId = ''), 'InvalidEnvelope'],
    ['a long msgId', (w) => (w.msgId = 'x'.repeat(129)), 'InvalidEnvelope'],
    ['an extra envelope field', (w) => (w.extra = 1), 'InvalidEnvelope'],
    ['no message', (w) => Reflect.deleteProperty(w, 'msg'), 'InvalidEnvelope'],
    ['an unknown message type', (w) => (w.msg.type = 'MsgBogus'), 'UnknownMessageType'],
    ['a numeric message type', (w) => (w.msg.type = 3), 'InvalidMessage'],
    ['a term given as a string', (w) => (w.msg.term = '3'), 'InvalidMessage'],
    ['an unsafe integer index', (w) => (w.msg.index = 2 ** 60), 'InvalidMessage'],
    ['a negative to other than a local thread', (w) => (w.msg.to = -3), 'InvalidMessage'],
    ['a missing to', (w) => Reflect.deleteProperty(w.msg, 'to'), 'InvalidMessage'],
    ['reject given as 1', (w) => (w.msg.reject = 1), 'InvalidMessage'],
    ['context that is not base64', (w) => (w.msg.context = 'a$b='), 'InvalidMessage'],
    ['entries that are not an array', (w) => (w.msg.entries = {}), 'InvalidMessage'],
    [
      'an entry of unknown type',
      (w) => (w.msg.entries = [{ term: 1, index: 1, type: 'X' }]),
      'InvalidMessage',
    ],
    ['an entry without index', (w) => (w.msg.entries = [{ term: 1 }]), 'InvalidMessage'],
    ['a snapshot without metadata', (w) => (w.msg.snapshot = { data: '' }), 'InvalidMessage'],
    ['an unknown message field', (w) => (w.msg.__proto__x = 1), 'InvalidMessage'],
  ])('refuses %s', (_name, edit, code) => {
    const decoded = decodeEdited(edit);

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.code).toBe(code);
  });

  it('refuses responses nested deeper than the bound, without overflowing the stack', () => {
    const depth = 10_000;
    const open = '{"type":"MsgStorageAppend","to":1,"from":1,"term":1,"responses":['.repeat(depth);
    const leaf = '{"type":"MsgAppResp","to":1,"from":2,"term":1}';
    const text = `{"group":1,"msgId":"deep","msg":${open}${leaf}${']}'.repeat(depth)}}`;

    const decoded = decodeEnvelope(text);

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.code).toBe('InvalidMessage');
  });

  it('refuses JSON nested far too deep for the parser, as a malformed frame', () => {
    const text = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

    const decoded = decodeEnvelope(text);

    expect(decoded.ok).toBe(false);
  });
});
