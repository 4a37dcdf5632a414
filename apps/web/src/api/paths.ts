/**
 * Every server path the dashboard uses, in one place, so that aligning with the server is a
 * one-file change.
 */

const enc = encodeURIComponent;

export const paths = {
  cluster: (c: string) => `/api/clusters/${enc(c)}`,
  stream: (c: string) => `/api/clusters/${enc(c)}/stream`,
  kv: (c: string, key: string) => `/api/clusters/${enc(c)}/kv/${enc(key)}`,
  pause: (c: string) => `/api/clusters/${enc(c)}/pause`,
  resume: (c: string) => `/api/clusters/${enc(c)}/resume`,
  step: (c: string) => `/api/clusters/${enc(c)}/step`,
  speed: (c: string) => `/api/clusters/${enc(c)}/speed`,
  link: (c: string, from: number, to: number) => `/api/clusters/${enc(c)}/links/${from}/${to}`,
  partition: (c: string) => `/api/clusters/${enc(c)}/partition`,
  heal: (c: string) => `/api/clusters/${enc(c)}/heal`,
  held: (c: string) => `/api/clusters/${enc(c)}/held`,
  heldRelease: (c: string, msgId: string) => `/api/clusters/${enc(c)}/held/${enc(msgId)}/release`,
  heldDrop: (c: string, msgId: string) => `/api/clusters/${enc(c)}/held/${enc(msgId)}/drop`,
  crash: (c: string, id: number) => `/api/clusters/${enc(c)}/nodes/${id}/crash`,
  restart: (c: string, id: number) => `/api/clusters/${enc(c)}/nodes/${id}/restart`,
  nodes: (c: string) => `/api/clusters/${enc(c)}/nodes`,
  node: (c: string, id: number) => `/api/clusters/${enc(c)}/nodes/${id}`,
  promote: (c: string, id: number) => `/api/clusters/${enc(c)}/nodes/${id}/promote`,
  compact: (c: string, id: number) => `/api/clusters/${enc(c)}/nodes/${id}/compact`,
  transferLeader: (c: string) => `/api/clusters/${enc(c)}/transfer-leader`,
  campaign: (c: string, id: number) => `/api/clusters/${enc(c)}/nodes/${id}/campaign`,
  membership: (c: string) => `/api/clusters/${enc(c)}/membership`,
  leaveJoint: (c: string) => `/api/clusters/${enc(c)}/membership/leave-joint`,
  clusters: () => '/api/clusters',
  trace: (c: string) => `/api/clusters/${enc(c)}/trace`,
  fork: (c: string) => `/api/clusters/${enc(c)}/fork`,
  simulateFrom: (c: string) => `/api/clusters/${enc(c)}/simulate-from`,
};

/** The viewer stream's WebSocket URL, on the page's own host. */
export function streamUrl(cluster: string, loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${paths.stream(cluster)}`;
}
