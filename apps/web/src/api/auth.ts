/**
 * The bearer token a server on a non-loopback address requires for changing requests. The
 * server prints a dashboard link ending in `#token=...`; the page keeps the token for this tab
 * and removes it from the address bar, so a copied link does not carry it.
 */

const KEY = 'raftlens.token';

export function captureToken(loc: Location = window.location): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', `${loc.pathname}${loc.search}`);
}

export function authHeaders(): Record<string, string> {
  const token = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}
