import { EMPTY } from '../harness/generator/basic.ts';
import { any, concat } from '../harness/generator/combinators.ts';
import type { Nemesis, NemesisContext, NemesisOp, NemesisPackage, NemesisResult } from '../harness/nemesis.ts';
import { errorText } from '../harness/errors.ts';

/**
 * Several fault classes as one: ops are routed to the nemesis that handles their `f`, schedules
 * run side by side (faults of different classes may overlap), and the final heals run in
 * `healOrder`.
 * Teardown heals every class even when one of them fails, then reports all failures at once.
 */
export function composeNemeses(given: readonly NemesisPackage[]): NemesisPackage {
  // Heal order: pauses first (a frozen node can be neither restarted nor have its clock reset).
  const packages = [...given].sort((a, b) => (a.healOrder ?? 0) - (b.healOrder ?? 0));
  const byF = new Map<string, Nemesis>();
  for (const p of packages) {
    for (const f of p.nemesis.fs) {
      if (byF.has(f)) throw new Error(`two nemeses handle f=${JSON.stringify(f)}`);
      byF.set(f, p.nemesis);
    }
  }
  const nemeses = packages.map((p) => p.nemesis);
  const nemesis: Nemesis = {
    fs: [...byF.keys()],
    async setup(ctx: NemesisContext) {
      for (const n of nemeses) await n.setup?.(ctx);
    },
    async invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult> {
      const n = byF.get(op.f);
      if (!n) throw new Error(`no nemesis handles f=${JSON.stringify(op.f)}; known: ${[...byF.keys()].join(', ') || 'none'}`);
      return n.invoke(op, ctx);
    },
    async teardown(ctx: NemesisContext) {
      const errors: string[] = [];
      for (const n of nemeses) {
        try {
          await n.teardown(ctx);
        } catch (err) {
          errors.push(errorText(err, { name: false }));
        }
      }
      if (errors.length > 0) throw new Error(`nemesis teardown failed: ${errors.join('; ')}`);
    },
  };
  const finals = packages.flatMap((p) => (p.final ? [p.final] : []));
  return {
    nemesis,
    generator: packages.length === 0 ? EMPTY : any(...packages.map((p) => p.generator)),
    final: finals.length === 0 ? undefined : concat(...finals),
  };
}
