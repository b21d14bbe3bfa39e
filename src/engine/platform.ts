/**
 * What the engine needs from GitLab, and nothing more: its reads (PlatformReader, in
 * platformReader.ts) and its writes. gitlab/ implements it; tests can implement it in memory.
 * Keeping GitLab behind this interface is what lets the webhook path, the sweep and the tests share
 * the engine.
 */
import type { ResourcePlan } from "../domain/plan.js";
import type { PlatformReader } from "./platformReader.js";

export type {
  IssueQuery,
  LabelledMergeRequestQuery,
  ListQuery,
  MarkedIssueQuery,
  PlatformReader,
  RequestStats,
} from "./platformReader.js";
export { readerOf } from "./platformReader.js";

export interface ApplyResult {
  /** Number of write requests made. */
  writes: number;
}

/** The reads (platformReader.ts) and the one write of the engine: carrying out a resource's plan. */
export interface Platform extends PlatformReader {
  /** Executes a plan: one update request and at most one note. Honours dry-run. */
  apply(plan: ResourcePlan): Promise<ApplyResult>;
}
