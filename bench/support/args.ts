// Command-line numbers of the benchmarks, each with a range so a run stays bounded.

/** `--<name> <number>`, or `fallback`; outside [min, max] is an error that says so. */
export function numberArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return value;
}
