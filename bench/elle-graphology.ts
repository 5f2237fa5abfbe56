/**
 * `npm run bench:elle-graph`: why checkers/elle/graph.ts is typed arrays and not graphology.
 * Builds the same list-append dependency graph (data, process and realtime edges, relations
 * unioned per edge) both ways, then finds strongly connected components. Usage:
 * bench/elle-graphology.ts [--txns 100000]
 */
import { DirectedGraph } from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import { analyzeListAppend } from '../checkers/elle/list-append.ts';
import { DepGraphBuilder } from '../checkers/elle/graph.ts';
import { linkProcessOrder, linkRealtimeOrder } from '../checkers/elle/orders.ts';
import { collectTxns } from '../checkers/elle/txns.ts';
import { AnomalyList } from '../checkers/anomaly-list.ts';
import { simulate } from '../test/support/simulated-store.ts';

const i = process.argv.indexOf('--txns');
const n = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
const { history } = simulate({ seed: 1, txns: n, isolation: 'strict-serializable' });
const txns = collectTxns(history, 'list-append', ['append', 'r'], () => true, 'a list');
const analysis = analyzeListAppend(txns, new AnomalyList());
const heapMB = () => (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);

/** The builder interface the analyses use, over graphology. */
class GraphologyBuilder {
  readonly g = new DirectedGraph<Record<string, never>, { rels: number }>({ allowSelfLoops: false });
  constructor(count: number) {
    for (let t = 0; t < count; t++) this.g.addNode(t);
  }
  link(a: number, b: number, rel: number): void {
    if (a !== b) this.g.updateEdge(a, b, (attr) => ({ rels: (attr.rels ?? 0) | rel }));
  }
}

console.log(`${n} transactions; heap with the history: ${heapMB()} MB`);
let t = performance.now();
const ours = new DepGraphBuilder(txns.count);
analysis.link(ours);
linkProcessOrder(txns, ours);
linkRealtimeOrder(txns, ours);
const graph = ours.freeze();
const oursBuild = performance.now() - t;
t = performance.now();
const sccs = graph.components(null);
console.log(`typed arrays: build ${oursBuild.toFixed(0)} ms, ${graph.edgeCount} edges; SCC ${(performance.now() - t).toFixed(0)} ms (${sccs.length} components); heap ${heapMB()} MB`);

t = performance.now();
const gb = new GraphologyBuilder(txns.count);
analysis.link(gb as unknown as DepGraphBuilder);
linkProcessOrder(txns, gb as unknown as DepGraphBuilder);
linkRealtimeOrder(txns, gb as unknown as DepGraphBuilder);
const gBuild = performance.now() - t;
t = performance.now();
let scc: string;
try {
  scc = `${stronglyConnectedComponents(gb.g).filter((c) => c.length > 1).length} components`;
} catch (err) {
  scc = `failed: ${(err as Error).message}`;
}
console.log(`graphology:   build ${gBuild.toFixed(0)} ms, ${gb.g.size} edges; SCC ${(performance.now() - t).toFixed(0)} ms (${scc}); heap ${heapMB()} MB`);
