/**
 * The value of a flag the command does not declare but hands on (check's checker options:
 * `--per-key`, `--wfr-keys`, `--negative-balances` …). yargs reads an undeclared `--per-key false`
 * as the string "false", which a checker takes as true; written-out booleans become booleans
 * here, as they would for a declared boolean flag. Everything else is passed as yargs read it.
 */
export function passThroughValue(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
