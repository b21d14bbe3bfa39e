// Command-line numbers of the benchmarks, each with a range so a run stays bounded.

/** `--<name> <number>`, or `fallback`; outside [min, max] is an error that says so. */
export function numberArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return value;
}

/** `--<name> <text>`, or `fallback`. */
export function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** `--<name> 100,1000`: whole numbers from 1 to `max`, or `fallback`. */
export function numberListArg(name: string, fallback: number[], max: number): number[] {
  const text = stringArg(name, fallback.join(","));
  const values = text.split(",").map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > max)) throw new Error(`--${name} must be whole numbers from 1 to ${max}, comma-separated`);
  return values;
}
