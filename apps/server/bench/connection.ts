/**
 * The load's HTTP client: each closed-loop client keeps one HTTP/1.1 connection of its own
 * (node:http with a keep-alive agent of one socket), to Raftlens and to etcd alike.
 *
 * Not `fetch`: its WHATWG layer costs the client about 0.3 ms of CPU per request on a 2-core
 * EPYC, against 0.09 ms for node:http (both against a server that answers at once). At one
 * client that is a quarter of a write's latency spent in the load generator, and at 64 clients
 * it makes the load process, not the servers, the bottleneck.
 */

import http from 'node:http';

export interface Connection {
  /** Sends one JSON request and reads the whole answer; resolves with its status code. */
  request(method: string, url: string, body: string): Promise<number>;
  close(): void;
}

export function openConnection(): Connection {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    request: (method, url, body) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          url,
          {
            method,
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.once('error', reject);
            res.once('end', () => resolve(res.statusCode ?? 0));
            res.resume();
          },
        );
        req.once('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
