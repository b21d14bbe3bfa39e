/** The jobs `mops-bot run <job>` and the in-process scheduler know, by name. */
import { sweepJob } from "./sweep.js";
import type { Job } from "./types.js";

export const jobs: readonly Job[] = [sweepJob];

export function findJob(name: string): Job {
  const job = jobs.find((j) => j.name === name);
  if (!job) throw new Error(`Unknown job "${name}". Jobs: ${jobs.map((j) => j.name).join(", ")}.`);
  return job;
}

export const jobNames = (): string[] => jobs.map((j) => j.name);
