import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { runReportCommand } from "../../../src/report/commands.js";
import { loadConfig } from "../../../src/config.js";

const io = () => {
  const lines: string[] = [];
  return { lines, io: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) } };
};

describe("mops-bot report (arguments)", () => {
  it("needs --out", async () => {
    const { lines, io: cli } = io();
    expect(await main(["node", "mops-bot", "report"], cli)).toBe(1);
    expect(lines.join("\n")).toContain("required option '--out <dir>' not specified");
  });

  it("says what to fix in a bad number before reading anything", async () => {
    const { io: cli } = io();
    await expect(runReportCommand({ out: "x", stuckDays: "ten" }, cli, { config: loadConfig({}) })).rejects.toThrow('--stuck-days must be a whole number of at least 1 (got "ten")');
    await expect(runReportCommand({ out: "x", historyLimit: "-1" }, cli, { config: loadConfig({}) })).rejects.toThrow("--history-limit must be a whole number of at least 0");
  });

  it("names the missing GitLab connection", async () => {
    const { io: cli } = io();
    await expect(runReportCommand({ out: "x" }, cli, { config: loadConfig({}) })).rejects.toThrow("GITLAB_URL");
  });
});
