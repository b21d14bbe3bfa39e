/**
 * One resource kept in memory the way GitLab keeps it, for engine tests: listing without history,
 * history read on request, and a plan applied as GitLab applies an update and a note (label and
 * state events by the bot, the note with its markers). Reconciling again after `apply` therefore
 * sees what the next run would see.
 */
import type { ResourcePlan } from "../../src/domain/plan.js";
import { markersIn } from "../../src/domain/markers.js";
import type { LabelEvent, MilestoneInfo, NoteInfo, ResourceSnapshot, StateEvent, UserRef } from "../../src/domain/snapshot.js";
import type { Platform } from "../../src/engine/platform.js";

export interface MemoryResource {
  /** The resource as a listing returns it (history fields are ignored). */
  listed: ResourceSnapshot;
  labelEvents: LabelEvent[];
  notes: NoteInfo[];
  stateEvents: StateEvent[];
}

export interface MemoryPlatform extends Platform {
  resource: MemoryResource;
  applied: ResourcePlan[];
  /** The resource as the next listing returns it. */
  current(): ResourceSnapshot;
}

export function memoryPlatform(
  start: ResourceSnapshot,
  options: { bot: UserRef; now: Date; milestones: MilestoneInfo[]; history?: Partial<Omit<MemoryResource, "listed">> },
): MemoryPlatform {
  const { labelEvents: _l, notes: _n, stateEvents: _s, ...listed } = start;
  const resource: MemoryResource = {
    listed: { ...listed, userNotesCount: (options.history?.notes ?? []).filter((n) => !n.system).length },
    labelEvents: [...(options.history?.labelEvents ?? start.labelEvents ?? [])],
    notes: [...(options.history?.notes ?? start.notes ?? [])],
    stateEvents: [...(options.history?.stateEvents ?? start.stateEvents ?? [])],
  };
  resource.listed.userNotesCount = resource.notes.filter((n) => !n.system).length;
  let nextId = 900_000;
  const applied: ResourcePlan[] = [];
  const at = options.now;
  return {
    resource,
    applied,
    current: () => ({ ...resource.listed }),
    list: async function* () {
      yield { ...resource.listed };
    },
    get: async () => ({ ...resource.listed }),
    labelEvents: async () => [...resource.labelEvents],
    notes: async () => [...resource.notes],
    stateEvents: async () => [...resource.stateEvents],
    milestones: async () => options.milestones,
    requestStats: () => ({ total: 0, byRoute: {}, retries: 0 }),
    apply: async (plan) => {
      applied.push(plan);
      const r = resource.listed;
      const u = plan.update;
      for (const label of u.removeLabels) {
        if (!r.labels.includes(label)) continue;
        r.labels = r.labels.filter((l) => l !== label);
        resource.labelEvents.push({ id: nextId++, action: "remove", label, user: options.bot, createdAt: at });
      }
      for (const label of u.addLabels) {
        if (r.labels.includes(label)) continue;
        r.labels = [...r.labels, label];
        resource.labelEvents.push({ id: nextId++, action: "add", label, user: options.bot, createdAt: at });
      }
      if (u.stateEvent === "close") {
        r.state = "closed";
        r.closedAt = at;
        r.closedBy = options.bot;
        resource.stateEvents.push({ id: nextId++, state: "closed", user: options.bot, createdAt: at });
      }
      if (u.stateEvent === "reopen") {
        r.state = "opened";
        r.closedAt = null;
        r.closedBy = null;
        resource.stateEvents.push({ id: nextId++, state: "reopened", user: options.bot, createdAt: at });
      }
      if (u.milestoneId !== undefined) r.milestone = u.milestoneId === null ? null : (options.milestones.find((m) => m.id === u.milestoneId) ?? null);
      if (u.dueDate !== undefined) r.dueDate = u.dueDate;
      if (u.confidential !== undefined) r.confidential = u.confidential;
      if (u.assigneeIds !== undefined) r.assignees = u.assigneeIds.map((id) => r.assignees.find((a) => a.id === id) ?? { id, username: `user-${id}` });
      if (plan.note !== null) {
        resource.notes.push({ id: nextId++, body: plan.note.body, author: options.bot, createdAt: at, system: false, botMarkers: markersIn(plan.note.body) });
        r.userNotesCount = (r.userNotesCount ?? 0) + 1;
      }
      return { writes: (u.addLabels.length || u.removeLabels.length || Object.keys(u).length > 2 ? 1 : 0) + (plan.note ? 1 : 0) };
    },
  };
}
