/** A policy file's `applies_to` (`issues`, `merge_requests`) as the resource kinds the rules see. */
import type { ResourceKind } from "../../domain/snapshot.js";

export function resourceKinds(appliesTo: readonly ("issues" | "merge_requests")[]): ResourceKind[] {
  return appliesTo.map((k) => (k === "issues" ? "issue" : "merge_request"));
}
