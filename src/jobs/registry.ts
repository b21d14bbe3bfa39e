/** The jobs `mops-bot run <job>` and the in-process scheduler know, by name. */
import { milestonesJob } from "../milestones/job.js";
import { handbookUpdatesJob } from "./handbookUpdates.js";
import { slaJob } from "./sla.js";
import { digestJob } from "../digest/job.js";
import { toolAuditsJob } from "../tools/job.js";
import { sweepJob } from "./sweep.js";
import type { Job } from "./types.js";

/** The nightly CI schedule's name for the sweep (same run; the CI job keeps its JSON report). */
const nightlyJob: Job = { ...sweepJob, name: "nightly", description: "The nightly sweep: every open issue and merge request with every rule." };

export const jobs: readonly Job[] = [sweepJob, nightlyJob, slaJob, toolAuditsJob, digestJob, milestonesJob, handbookUpdatesJob];

export function findJob(name: string): Job {
  const job = jobs.find((j) => j.name === name);
  if (!job) throw new Error(`Unknown job "${name}". Jobs: ${jobs.map((j) => j.name).join(", ")}.`);
  return job;
}

export const jobNames = (): string[] => jobs.map((j) => j.name);
