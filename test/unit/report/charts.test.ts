import { describe, expect, it } from "vitest";
import { gitlabWebBase, issueListUrl, scopeFor } from "../../../src/report/links.js";
import { escapeXml, lineChart, PALETTE, stackedBarChart, textColorOn } from "../../../src/report/svg.js";

describe("issue list links", () => {
  const gl = "https://gitlab.example.com/api/v4/";

  it("open issues of a project with labels, excluded labels, a milestone and an assignee", () => {
    const url = issueListUrl(gl, { project: "mktg/ops" }, { labels: ["MktgOps::04: In Progress"], notLabels: ["mops-bot-sla::breached"], milestone: "MktgOps 2026-11-16", assignee: "amy" });
    expect(url).toBe(
      "https://gitlab.example.com/mktg/ops/-/issues?state=opened&label_name%5B%5D=MktgOps%3A%3A04%3A%20In%20Progress&not%5Blabel_name%5D%5B%5D=mops-bot-sla%3A%3Abreached&milestone_title=MktgOps%202026-11-16&assignee_username%5B%5D=amy",
    );
  });

  it("unassigned issues, all states, at group level", () => {
    expect(issueListUrl(gl, { group: "mktg" }, { assignee: null, state: "all" })).toBe("https://gitlab.example.com/groups/mktg/-/issues?state=all&assignee_id=None");
  });

  it("one project gets its own list; several projects the group's", () => {
    expect(scopeFor("mktg", ["mktg/a", "mktg/a"])).toEqual({ project: "mktg/a" });
    expect(scopeFor("mktg", ["mktg/a", "sales/b"])).toEqual({ group: "mktg" });
    expect(gitlabWebBase("https://gl.example.com/")).toBe("https://gl.example.com");
  });
});

describe("SVG charts", () => {
  const series = [
    { key: "running", name: "running", color: PALETTE.blue },
    { key: "breached", name: "breached", color: PALETTE.vermillion, fill: "hatch" as const },
  ];

  it("stacked bars: one segment per non-zero value with its number, link and title; the total after the bar", () => {
    const svg = stackedBarChart({
      id: "c1",
      title: "SLA <clocks>",
      description: "d",
      series,
      rows: [
        { label: "Urgent", href: "https://x/urgent", segments: [{ series: "running", value: 3, href: "https://x/r" }, { series: "breached", value: 2, href: "https://x/b?a=1&b=2" }] },
        { label: "Low", segments: [{ series: "running", value: 0 }, { series: "breached", value: 0 }] },
      ],
    });
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="c1-title c1-desc"/);
    expect(svg).toContain("<title id=\"c1-title\">SLA &lt;clocks&gt;</title>");
    expect(svg.match(/class="segment"/g)).toHaveLength(2);
    expect(svg).toContain('data-series="breached" data-value="2"');
    expect(svg).toContain('<a href="https://x/b?a=1&amp;b=2">');
    expect(svg).toContain(`<pattern id="c1-fill-breached"`);
    expect(svg).toContain('fill="url(#c1-fill-breached)"');
    expect(svg).toContain('class="total" x="');
    expect(svg).toMatch(/class="total"[^>]*>5<\/text>/);
    expect(svg).toMatch(/class="total"[^>]*>0<\/text>/);
    // The legend names each series in text.
    expect(svg).toContain(">running</text>");
    expect(svg).toContain(">breached</text>");
  });

  it("stacked bars with no rows say so instead of drawing an empty frame", () => {
    expect(stackedBarChart({ id: "e", title: "t", description: "d", series, rows: [] })).toContain("Nothing to show.");
  });

  it("lines: one path per series, a marker and a value per point, points linked", () => {
    const svg = lineChart({
      id: "t",
      title: "trend",
      description: "d",
      series: [
        { key: "breached", name: "breached", color: PALETTE.vermillion, marker: "square" },
        { key: "atRisk", name: "at risk", color: PALETTE.orange, marker: "circle", dash: "6 4" },
      ],
      points: [
        { label: "11-04", values: { breached: 1, atRisk: 2 }, href: "#week-1" },
        { label: "11-11", values: { breached: 4, atRisk: 0 }, href: "#week-2" },
        { label: "11-18", values: { breached: 0, atRisk: 1 }, href: "#week-3" },
      ],
    });
    expect(svg.match(/<path class="series"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg.match(/class="point"/g)).toHaveLength(6);
    expect(svg).toContain('data-series="breached" data-label="11-11" data-value="4"');
    expect(svg.match(/<a href="#week-2">/g)).toHaveLength(2);
    // y axis from 0 to the largest value.
    expect(svg).toMatch(/>4<\/text>/);
  });

  it("text on a colour is black or white, whichever contrasts", () => {
    expect(textColorOn(PALETTE.orange)).toBe("#000000");
    expect(textColorOn(PALETTE.blue)).toBe("#ffffff");
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&#39;");
  });
});
