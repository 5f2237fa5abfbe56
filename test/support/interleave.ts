/**
 * Turns a shuffled list of event ids (0 … 2n-1, two per op) into an interleaving of n ops'
 * invocations and completions: whichever of an op's two ids comes first is its invocation
 * (event 2i), the other its completion (2i+1). Every order of invocations and completions with
 * each invocation first arises this way.
 */
export function interleaving(shuffled: readonly number[]): number[] {
  const seen = new Set<number>();
  return shuffled.map((e) => {
    const op = e >> 1;
    if (seen.has(op)) return op * 2 + 1;
    seen.add(op);
    return op * 2;
  });
}
