/**
 * Scheduled jobs that keep issues and notes on the scope (reports, digests, summaries, audits)
 * need a platform that can look those up and apply scope plans; the GitLab platform can, the
 * in-memory ones of engine tests cannot. These helpers say which, with a message saying what to do,
 * so that no job downcasts the platform to the GitLab class.
 */
import type { Platform } from "./platform.js";
import type { UserRef } from "../domain/snapshot.js";

export type ScopePlatform = Platform &
  Required<Pick<Platform, "applyScope" | "issuesByMarker" | "userIdsByUsername">> & {
    currentUser(): Promise<UserRef>;
  };

export function canApplyScope(platform: object): platform is ScopePlatform {
  const p = platform as Partial<ScopePlatform>;
  return typeof p.applyScope === "function" && typeof p.issuesByMarker === "function" && typeof p.userIdsByUsername === "function" && typeof p.currentUser === "function";
}

export function requireScopePlatform(platform: Platform, job: string): ScopePlatform {
  if (canApplyScope(platform)) return platform;
  throw new Error(`The ${job} job creates issues and notes, so it needs the GitLab platform (run it with \`mops-bot run ${job}\`).`);
}

/** What the milestones job and the close guard need: scope plans and the milestone reads. */
export type MilestonePlatform = Platform & Required<Pick<Platform, "applyScope" | "milestoneReads">>;

export function requireMilestonePlatform(platform: Platform, job: string): MilestonePlatform {
  const p = platform as Partial<MilestonePlatform>;
  if (typeof p.applyScope === "function" && p.milestoneReads !== undefined) return platform as MilestonePlatform;
  throw new Error(`The ${job} job creates milestones, branches and merge requests, so it needs the GitLab connection.`);
}

/** What `labels sync` and `labels migrate` need: scope plans, resource plans and the label reads. */
export type LabelPlatform = Platform & Required<Pick<Platform, "applyScope" | "labelReads">>;
