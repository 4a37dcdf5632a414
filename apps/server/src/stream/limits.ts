/**
 * The bounds of the viewer stream. They decide how much memory one viewer can hold on the
 * server (`queueFramesMax`, `queueBytesMax`) and how often every viewer is sent a state.
 */
export interface StreamLimits {
  /** Events are batched for this long before they go out as one `events` message. */
  flushMs: number;
  /** A `state` snapshot goes to every viewer that is keeping up this often. */
  stateMs: number;
  /** A batch this large goes out at once, without waiting for `flushMs`. */
  batchEventsMax: number;
  /** Messages waiting in one viewer's queue before its queue is cut. */
  queueFramesMax: number;
  /**
   * Bytes waiting for one viewer, in its queue and in its socket's own buffer together, before
   * its queue is cut. A frame larger than this still goes out whole, alone.
   */
  queueBytesMax: number;
  /** The server stops handing frames to a viewer's socket while it buffers this much. */
  socketBufferedBytesMax: number;
  /** A viewer that has not answered a ping for this long is disconnected. */
  pingMs: number;
  /** Malformed messages a viewer may send before it is disconnected. */
  malformedMessagesMax: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  flushMs: 50,
  stateMs: 200,
  batchEventsMax: 1000,
  queueFramesMax: 256,
  queueBytesMax: 4 * 1024 * 1024,
  socketBufferedBytesMax: 1024 * 1024,
  pingMs: 30_000,
  malformedMessagesMax: 20,
};
