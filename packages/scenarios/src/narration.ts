/**
 * Narration text with the nodes filled in. A step's narration may name nodes that the run
 * decides (`The leader (node {leader}) crashes.`): once the name is known the placeholder
 * becomes the node's number; before that, as in the catalogue, the whole parenthesis is left
 * out (`The leader crashes.`), so the sentence reads well either way.
 */

const PAREN_WITH_PLACEHOLDER = /\s*\(([^()]*\{[A-Za-z][\w-]*\}[^()]*)\)/g;
const PLACEHOLDER = /\{([A-Za-z][\w-]*)\}/g;

export function resolveNarration(text: string, names: ReadonlyMap<string, number>): string {
  const withParens = text.replace(PAREN_WITH_PLACEHOLDER, (whole, inner: string) => {
    let known = true;
    const filled = inner.replace(PLACEHOLDER, (_m, name: string) => {
      const id = names.get(name);
      if (id === undefined) known = false;
      return String(id);
    });
    return known ? whole.replace(inner, filled) : '';
  });
  // A placeholder outside parentheses is filled in, or left readable.
  return withParens.replace(PLACEHOLDER, (_m, name: string) => {
    const id = names.get(name);
    return id === undefined ? `the ${name}` : String(id);
  });
}
