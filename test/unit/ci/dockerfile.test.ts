/**
 * The Dockerfile's structure (no Docker engine runs the tests): multi-stage, production
 * dependencies only, a non-root user, a HEALTHCHECK on /healthz, and COPY sources that exist and
 * are not dropped by .dockerignore. Set MOPS_DOCKER_STAGE_TEST=1 to also run the build stage's
 * commands on a clean copy of the repository and start the CLI from the result (slow: an npm ci).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped, grouped by stage. */
function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const logical = text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Unreadable Dockerfile line: ${line}`);
    const ins = { op: m[1]!.toUpperCase(), args: m[2]! };
    if (ins.op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      stages.push({ from: f[1]!, ...(f[2] ? { name: f[2] } : {}), instructions: [] });
    } else if (stages.length === 0) args.push(ins);
    else stages.at(-1)!.instructions.push(ins);
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(path.join(repoRoot, "Dockerfile"), "utf8"));
const final = dockerfile.stages.at(-1)!;
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);
const ignored = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));

describe("Dockerfile", () => {
  it("builds in one stage and runs from a slim one", () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.stages.slice(0, -1).every((s) => s.name)).toBe(true);
    expect(final.from).toMatch(/-slim$/);
    // The runtime stage takes node_modules from the build stage instead of installing again.
    expect(ops(final, "COPY").some((c) => c.args.startsWith(`--from=${dockerfile.stages[0]!.name} `))).toBe(true);
    expect(ops(final, "RUN").some((r) => /npm (ci|install)/.test(r.args))).toBe(false);
  });

  it("installs production dependencies only, from the lockfile", () => {
    const installs = dockerfile.stages.flatMap((s) => ops(s, "RUN")).filter((r) => /\bnpm (ci|install)\b/.test(r.args));
    expect(installs).not.toEqual([]);
    for (const i of installs) {
      expect(i.args).toMatch(/\bnpm ci\b/);
      expect(i.args).toContain("--omit=dev");
    }
  });

  it("runs as a non-root user, with a health check on /healthz and serve by default", () => {
    const users = ops(final, "USER");
    expect(users).toHaveLength(1);
    expect(users[0]!.args).not.toMatch(/^(root|0)(:|$)/);
    const userAt = final.instructions.indexOf(users[0]!);
    // Nothing runs as root after the switch.
    expect(final.instructions.slice(userAt).some((i) => i.op === "RUN")).toBe(false);
    const health = ops(final, "HEALTHCHECK");
    expect(health).toHaveLength(1);
    expect(health[0]!.args).toContain("/healthz");
    expect(health[0]!.args).toContain("process.env.PORT");
    expect(ops(final, "ENTRYPOINT")[0]!.args).toBe('["node", "bin/mops-bot.js"]');
    expect(ops(final, "CMD")[0]!.args).toBe('["serve"]');
    expect(ops(final, "EXPOSE")[0]!.args).toBe("8080");
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const sources = dockerfile.stages
      .flatMap((s) => ops(s, "COPY"))
      .filter((c) => !c.args.startsWith("--from="))
      .flatMap((c) => c.args.replace(/--\S+\s+/g, "").split(/\s+/).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "bin", "src", "policies"]));
    for (const s of sources) {
      expect(existsSync(path.join(repoRoot, s)), s).toBe(true);
      expect(ignored, s).not.toContain(s);
    }
    // Secrets, local state and the repository never reach the build context.
    expect(ignored).toEqual(expect.arrayContaining([".git", "node_modules", ".env", "data"]));
    // Templates are Markdown: nothing may exclude policies/templates/*.md.
    expect(ignored.filter((p) => p.includes("*") && p.endsWith(".md") && p.startsWith("**"))).toEqual([]);
  });
});

describe.runIf(process.env.MOPS_DOCKER_STAGE_TEST === "1")("the build stage on a clean checkout", () => {
  it("installs production dependencies and the CLI validates the policies with them", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mops-image-"));
    try {
      // What the image gets: the Dockerfile's COPY sources, from a clean checkout of HEAD.
      execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${repoRoot}`, path.join(dir, "checkout")]);
      const app = path.join(dir, "app");
      for (const s of ["package.json", "package-lock.json", "bin", "src", "policies"]) await cp(path.join(dir, "checkout", s), path.join(app, s), { recursive: true });
      execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], { cwd: app, stdio: "pipe" });
      expect(existsSync(path.join(app, "node_modules", "vitest"))).toBe(false);
      const help = execFileSync("node", ["bin/mops-bot.js", "--help"], { cwd: app, encoding: "utf8" });
      expect(help).toContain("serve");
      expect(help).toContain("plan");
      const validate = execFileSync("node", ["bin/mops-bot.js", "policies", "validate"], { cwd: app, encoding: "utf8" });
      expect(validate).toContain("policies OK");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
