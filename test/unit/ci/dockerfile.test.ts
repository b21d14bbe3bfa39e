/**
 * The Dockerfile's structure (no Docker engine runs the tests): multi-stage, compiled JavaScript
 * and production dependencies only in the final image, a non-root user, a HEALTHCHECK on /healthz,
 * and COPY sources that exist and are not dropped by .dockerignore. Set MOPS_DOCKER_STAGE_TEST=1 to
 * also run the build stage's commands on a clean copy of the repository, assemble the runtime
 * stage's files as its COPY lines say, and start the CLI from the result (slow: an npm ci).
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

  it("installs from the lockfile, compiles, and keeps production dependencies and dist/ only", () => {
    const build = dockerfile.stages[0]!;
    const runs = ops(build, "RUN").map((r) => r.args);
    const installs = dockerfile.stages.flatMap((s) => ops(s, "RUN")).filter((r) => /\bnpm (ci|install)\b/.test(r.args));
    expect(installs).not.toEqual([]);
    for (const i of installs) {
      // npm ci only: the committed lockfile lists every platform's optional packages.
      expect(i.args).toMatch(/\bnpm ci\b/);
      expect(i.args).not.toMatch(/\bnpm install\b|\|\|/);
    }
    const step = (re: RegExp) => runs.findIndex((r) => re.test(r));
    expect(step(/\bnpm run build\b/)).toBeGreaterThanOrEqual(0);
    // Dev dependencies (TypeScript, tsx, vitest) go once dist/ is built, before the runtime copies node_modules.
    expect(step(/\bnpm prune --omit=dev\b/)).toBeGreaterThanOrEqual(step(/\bnpm run build\b/));
    const fromBuild = ops(final, "COPY")
      .filter((c) => c.args.startsWith(`--from=${build.name} `))
      .map((c) => c.args.split(/\s+/)[1]);
    expect(fromBuild).toEqual(expect.arrayContaining(["/app/node_modules", "/app/dist"]));
    // The image runs dist/: no TypeScript sources in it.
    expect(ops(final, "COPY").some((c) => /(^|\s)src(\s|$)/.test(c.args))).toBe(false);
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
    expect(sources).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "scripts/build.js", "bin", "src", "policies"]));
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
  it("builds, and the runtime stage's files validate the policies with production dependencies only", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mops-image-"));
    try {
      execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${repoRoot}`, path.join(dir, "checkout")]);
      const checkout = path.join(dir, "checkout");
      const copySources = (stage: Stage) =>
        ops(stage, "COPY")
          .filter((c) => !c.args.startsWith("--from="))
          .flatMap((c) => c.args.replace(/--\S+\s+/g, "").split(/\s+/).slice(0, -1));
      // The build stage: its COPY sources from a clean checkout of HEAD, then its RUN lines in order.
      const [build] = dockerfile.stages;
      const buildDir = path.join(dir, "build");
      for (const s of copySources(build!)) await cp(path.join(checkout, s), path.join(buildDir, s), { recursive: true });
      for (const run of ops(build!, "RUN")) execFileSync("sh", ["-c", run.args], { cwd: buildDir, stdio: "pipe" });
      // The runtime stage: what it copies from the build stage and from the checkout, nothing else.
      const app = path.join(dir, "app");
      for (const c of ops(final, "COPY")) {
        const parts = c.args.split(/\s+/);
        if (parts[0]!.startsWith("--from=")) await cp(path.join(buildDir, path.relative("/app", parts[1]!)), path.join(app, parts[2]!), { recursive: true });
        else for (const s of copySources({ ...final, instructions: [c] })) await cp(path.join(checkout, s), path.join(app, s), { recursive: true });
      }
      expect(existsSync(path.join(app, "src"))).toBe(false);
      expect(existsSync(path.join(app, "node_modules", "vitest"))).toBe(false);
      expect(existsSync(path.join(app, "node_modules", "typescript"))).toBe(false);
      const help = execFileSync("node", ["bin/mops-bot.js", "--help"], { cwd: app, encoding: "utf8" });
      expect(help).toContain("serve");
      expect(help).toContain("plan");
      const validate = execFileSync("node", ["bin/mops-bot.js", "policies", "validate"], { cwd: app, encoding: "utf8" });
      expect(validate).toContain("policies OK");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
