/**
 * Values a workload writes into a history so that a checker can read them: the checker owns the
 * convention, the workload follows it.
 */

/** The invoke value that marks a read as a final read (after faults healed and the recovery window): the converged checker compares them. */
export const FINAL_READ = 'final';

/** A doctor's key in a write-skew history: `s12-d0` is shift 12, doctor 0 (the on-call checker). */
export function doctorKey(shift: number, doctor: number): string {
  return `s${shift}-d${doctor}`;
}

export function parseDoctorKey(key: unknown): { shift: number; doctor: number } | undefined {
  const m = typeof key === 'string' ? /^s(\d+)-d(\d+)$/.exec(key) : null;
  return m ? { shift: Number(m[1]), doctor: Number(m[2]) } : undefined;
}
