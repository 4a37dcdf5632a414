/**
 * Narration text with the nodes filled in. A step's narration names the nodes a run decides
 * with placeholders: `Node {old} restarts.` reads "Node 5 restarts." once a step has given the
 * name `old` to node 5. Before that, as in the catalogue, the scenario's cast says who `old`
 * is ("The old leader restarts."), and a parenthesis with an unknown name is left out:
 * `The leader (node {leader}) crashes.` reads "The leader crashes.".
 */

const PAREN_WITH_PLACEHOLDER = /\s*\(([^()]*\{[A-Za-z][\w-]*\}[^()]*)\)/g;
const NODE_PLACEHOLDER = /\b([Nn])odes? \{([A-Za-z][\w-]*)\}/g;
const PLACEHOLDER = /\{([A-Za-z][\w-]*)\}/g;

/** Who each name stands for, in words: `{ old: 'the old leader' }`. */
export type Cast = Readonly<Record<string, string>>;

export function resolveNarration(
  text: string,
  names: ReadonlyMap<string, number>,
  cast: Cast = {},
): string {
  const dropped = text.replace(PAREN_WITH_PLACEHOLDER, (whole, inner: string) => {
    const unknown = [...inner.matchAll(PLACEHOLDER)].some((m) => !names.has(m[1] ?? ''));
    return unknown ? '' : whole;
  });
  const described = dropped.replace(NODE_PLACEHOLDER, (whole, n: string, name: string) => {
    if (names.has(name)) return whole;
    const who = cast[name] ?? `node ${name}`;
    return n === 'N' ? who.charAt(0).toUpperCase() + who.slice(1) : who;
  });
  return described.replace(PLACEHOLDER, (_m, name: string) => {
    const id = names.get(name);
    return id === undefined ? (cast[name] ?? name) : String(id);
  });
}

/** The names a text uses outside parentheses, which a catalogue reading must describe. */
export function castNeeded(text: string): string[] {
  const bare = text.replace(PAREN_WITH_PLACEHOLDER, '');
  return [...new Set([...bare.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}
