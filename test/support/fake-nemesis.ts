import { fromFn, once } from '../../harness/generator/basic.ts';
import { delay } from '../../harness/generator/combinators.ts';
import type { NemesisFactory } from '../../harness/nemesis.ts';

/**
 * A fault class that touches nothing: every interval it "starts" itself on a node chosen from its
 * seeded schedule or "stops" (as a real nemesis's ops would read in the history), and records each
 * op on the fake cluster. Lets torture and progress tests see fault schedules without Docker.
 */
export function fakeNemesis(name: string): NemesisFactory {
  return {
    name,
    description: `a fake ${name} fault (tests)`,
    create({ intervalNs, random }) {
      return {
        nemesis: {
          fs: [`start-${name}`, `stop-${name}`],
          async invoke(op, ctx) {
            const node = typeof op.value === 'string' ? op.value : ctx.cluster.nodes[ctx.random.int(0, ctx.cluster.nodes.length - 1)]!.name;
            await ctx.cluster.netExec(node, [op.f]);
            return { value: { node } };
          },
          async teardown() {},
        },
        generator: delay(intervalNs, fromFn((d) => (d.bool(0.6) ? { f: `start-${name}`, value: d.pick(['n1', 'n2', 'n3']) } : { f: `stop-${name}`, value: null }), random)),
        final: once({ f: `stop-${name}`, value: null }),
      };
    },
  };
}
