import { describe, expect, it } from "vitest";
import { descriptionMarkersIn, isBotMade, isBotReport, markerComment, markerKey, markersIn, stripMarkers } from "../../../src/domain/markers.js";

describe("markers", () => {
  it("round-trips keys built from label names", () => {
    const key = markerKey("workflow", "MktgOps::04: In Progress", "milestone");
    expect(markersIn(`text\n${markerComment(key)}`)).toEqual([key]);
  });

  it("refuses a key that would break the HTML comment", () => {
    expect(() => markerComment("a -->b")).toThrow(/Invalid marker key/);
  });

  it("recognises the report issues the bot keeps, and only when the bot wrote them", () => {
    const report = { description: `Summary\n${markerComment("triage-summary:stale")}`, author: { username: "mops-bot" } };
    expect(isBotReport(report, "mops-bot")).toBe(true);
    expect(isBotReport({ ...report, author: { username: "someone" } }, "mops-bot")).toBe(false);
    expect(isBotReport({ description: markerComment("sla-report"), author: { username: "mops-bot" } }, "mops-bot")).toBe(true);
    // GitLab usernames are case-insensitive, as isBotMade reads them.
    expect(isBotReport(report, "MOPS-BOT")).toBe(true);
    // An audit issue is work for the team, not a report.
    expect(isBotReport({ description: markerComment("tool-audit:ZoomInfo:2026-11"), author: { username: "mops-bot" } }, "mops-bot")).toBe(false);
  });

  it("reads a description's markers only from lines of their own, not from titles quoted in a list", () => {
    const listed = `- [Budget ${markerComment("sla-report")}](https://gitlab.example.com/x/-/issues/1) x#1`;
    const description = `Stale issues\n\n${listed}\n\n${markerComment("triage-summary:stale")}\n`;
    expect(descriptionMarkersIn(description)).toEqual(["triage-summary:stale"]);
    // A tool-audit issue is not a report, whatever a title quoted in it says.
    const audit = { description: `Audit\n${listed}\n${markerComment("tool-audit:ZoomInfo:2026-11")}`, author: { username: "mops-bot" } };
    expect(isBotReport(audit, "mops-bot")).toBe(false);
  });

  it("strips anything that looks like a marker from people's text", () => {
    expect(stripMarkers("a <!-- mops-bot:cmd:1 --> b <!--MOPS-BOT : x y --> c <!-- other -->")).toBe("a  b  c <!-- other -->");
  });

  it("tells the issues and merge requests the bot made by its marker in the description and the bot as author", () => {
    const audit = { description: `Please review the seats.\n${markerComment("tool-audit:ZoomInfo:2026-11")}`, author: { username: "mops-bot" } };
    expect(isBotMade(audit, "mops-bot")).toBe(true);
    expect(isBotMade(audit, "MOPS-BOT")).toBe(true);
    // A person quoting a marker, or the bot's issue without one, is not a bot document.
    expect(isBotMade({ ...audit, author: { username: "dan.fieldmktg" } }, "mops-bot")).toBe(false);
    expect(isBotMade({ description: "Please review the seats.", author: { username: "mops-bot" } }, "mops-bot")).toBe(false);
  });
});
