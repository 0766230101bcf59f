/**
 * Draws a DOT graph as SVG offline, with Graphviz compiled to WebAssembly (@viz-js/viz).
 * Loaded only by `catalyst graph --svg`.
 */
export async function renderSvg(dot: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const viz = await (require('@viz-js/viz') as { instance: () => Promise<{ renderString: (src: string, opts: { format: string }) => string }> }).instance();
  return viz.renderString(dot, { format: 'svg' });
}
