/** A value as a short JSON snippet for an error message (the first 60 characters). */
export function preview(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
