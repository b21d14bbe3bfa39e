/**
 * What the engine needs from GitLab, and nothing more: its reads (PlatformReader, in
 * platformReader.ts) and its writes. gitlab/ implements it; tests can implement it in memory.
 * Keeping GitLab behind this interface is what lets the webhook path, the sweep and the tests share
 * the engine.
 */
import type { ResourcePlan } from "../domain/plan.js";
import type { PlatformReader } from "./platformReader.js";
import type { ScopeApplyResult, ScopePlan } from "./scopePlan.js";

export type {
  IssueQuery,
  LabelReads,
  LabelledMergeRequestQuery,
  ListQuery,
  MarkedIssueQuery,
  MilestoneReads,
  PlatformReader,
  RequestStats,
} from "./platformReader.js";
export { readerOf } from "./platformReader.js";

export interface ApplyResult {
  /** Number of write requests made. */
  writes: number;
}

/**
 * The reads (platformReader.ts) and the writes of the bot: carrying out one resource's plan, and a
 * scope plan (scopePlan.ts). These two are the only ways a write leaves the bot.
 */
export interface Platform extends PlatformReader {
  /** Executes a plan: one update request and at most one note. Honours dry-run. */
  apply(plan: ResourcePlan): Promise<ApplyResult>;
  /**
   * Carries out a scope plan (issues and notes a scheduled job keeps on the scope): the one way
   * such writes leave the bot. Honours dry-run. Platforms that cannot keep them (in-memory ones in
   * tests) leave it out, and jobs that need it say so.
   */
  applyScope?(plan: ScopePlan): Promise<ScopeApplyResult>;
}
