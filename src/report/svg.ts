/**
 * The report's charts, drawn here as SVG text: no script, no library, nothing fetched, so the page
 * works offline, from file:// and from GitLab Pages, and a chart is a string a unit test can read.
 *
 * Readable without colour: the palette is Okabe–Ito (safe for the common colour-vision
 * deficiencies), every series is also told apart by a pattern (bars) or a marker shape and dash
 * (lines), every bar and point carries its number as text, and each chart has a text legend, a
 * title and a description for screen readers. A segment, point or row label with a link opens it.
 */

/** Okabe–Ito colours, named by what the report uses them for. */
export const PALETTE = {
  blue: "#0072B2",
  orange: "#E69F00",
  vermillion: "#D55E00",
  skyBlue: "#56B4E9",
  green: "#009E73",
  purple: "#CC79A7",
  grey: "#5F5F5F",
} as const;

export type Fill = "solid" | "hatch" | "dots";
export type Marker = "circle" | "square" | "diamond";

export interface Series {
  key: string;
  name: string;
  color: string;
  /** Bars: how the segment is filled on top of its colour. */
  fill?: Fill;
  /** Lines: the point marker and the stroke's dash pattern. */
  marker?: Marker;
  dash?: string;
}

export interface BarSegment {
  series: string;
  value: number;
  href?: string;
}

export interface BarRow {
  label: string;
  href?: string;
  segments: BarSegment[];
}

export interface LinePoint {
  label: string;
  values: Record<string, number>;
  /** Where the point's numbers lead (one link per point). */
  href?: string;
}

interface ChartText {
  /** Unique within the page: used for the accessible title and the patterns' ids. */
  id: string;
  title: string;
  description: string;
}

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const num = (n: number) => String(Math.round(n * 10) / 10);

/** Black or white text, whichever reads better on the colour (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.179 ? "#000000" : "#ffffff";
}

function link(href: string | undefined, inner: string): string {
  return href ? `<a href="${escapeXml(href)}">${inner}</a>` : inner;
}

function open(c: ChartText, width: number, height: number, kind: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${escapeXml(c.id)}" data-kind="${kind}" role="img" ` +
    `aria-labelledby="${escapeXml(c.id)}-title ${escapeXml(c.id)}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT} font-size="12">` +
    `<title id="${escapeXml(c.id)}-title">${escapeXml(c.title)}</title><desc id="${escapeXml(c.id)}-desc">${escapeXml(c.description)}</desc>`
  );
}

function patternId(chart: string, series: Series): string {
  return `${chart}-fill-${series.key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

function patterns(chart: string, series: Series[]): string {
  const defs = series
    .filter((s) => s.fill === "hatch" || s.fill === "dots")
    .map((s) => {
      const id = patternId(chart, s);
      const ink = textColorOn(s.color);
      const mark = s.fill === "hatch" ? `<path d="M0,6 L6,0" stroke="${ink}" stroke-width="1.2" stroke-opacity="0.55"/>` : `<circle cx="3" cy="3" r="1.1" fill="${ink}" fill-opacity="0.6"/>`;
      return `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${s.color}"/>${mark}</pattern>`;
    });
  return defs.length > 0 ? `<defs>${defs.join("")}</defs>` : "";
}

function fillOf(chart: string, s: Series): string {
  return s.fill === "hatch" || s.fill === "dots" ? `url(#${patternId(chart, s)})` : s.color;
}

function legend(chart: string, series: Series[], y: number, line: boolean): string {
  let x = 0;
  const items = series.map((s) => {
    const swatch = line
      ? `<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>${markerShape(s.marker ?? "circle", x + 11, y - 4, s.color)}`
      : `<rect x="${x}" y="${y - 11}" width="14" height="14" fill="${fillOf(chart, s)}" stroke="#333" stroke-width="0.5"/>`;
    const textX = x + (line ? 28 : 19);
    x = textX + s.name.length * 7 + 18;
    return `<g class="legend-item">${swatch}<text x="${textX}" y="${y}">${escapeXml(s.name)}</text></g>`;
  });
  return `<g class="legend">${items.join("")}</g>`;
}

function markerShape(marker: Marker, x: number, y: number, color: string): string {
  switch (marker) {
    case "square":
      return `<rect x="${num(x - 4)}" y="${num(y - 4)}" width="8" height="8" fill="${color}"/>`;
    case "diamond":
      return `<path d="M${num(x)},${num(y - 5)} L${num(x + 5)},${num(y)} L${num(x)},${num(y + 5)} L${num(x - 5)},${num(y)} Z" fill="${color}"/>`;
    case "circle":
      return `<circle cx="${num(x)}" cy="${num(y)}" r="4" fill="${color}"/>`;
  }
}

/**
 * Horizontal bars, one per row, each split into its series' segments. The row's total is written
 * after the bar; a segment wide enough carries its own number.
 */
export function stackedBarChart(c: ChartText & { series: Series[]; rows: BarRow[]; width?: number }): string {
  const width = c.width ?? 720;
  const labelWidth = Math.min(280, Math.max(80, ...c.rows.map((r) => r.label.length * 6.6 + 12)));
  const barArea = width - labelWidth - 48;
  const rowHeight = 26;
  const top = 28;
  const height = top + Math.max(c.rows.length, 1) * rowHeight + 8;
  const max = Math.max(1, ...c.rows.map((r) => r.segments.reduce((s, x) => s + x.value, 0)));
  const bySeries = new Map(c.series.map((s) => [s.key, s]));
  const out = [open(c, width, height, "bars"), patterns(c.id, c.series), legend(c.id, c.series, 14, false)];
  if (c.rows.length === 0) out.push(`<text x="0" y="${top + 16}" fill="#333">Nothing to show.</text>`);
  c.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    out.push(`<g class="bar-row" data-label="${escapeXml(row.label)}">`);
    out.push(link(row.href, `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" fill="#1a1a1a">${escapeXml(row.label)}</text>`));
    let x = labelWidth;
    let total = 0;
    for (const seg of row.segments) {
      const s = bySeries.get(seg.series);
      if (!s || seg.value <= 0) continue;
      const w = (seg.value / max) * barArea;
      const fits = w >= 8 * String(seg.value).length + 6;
      const label = fits ? `<text x="${num(x + w / 2)}" y="${y + 16}" text-anchor="middle" fill="${textColorOn(s.color)}" font-weight="600" paint-order="stroke" stroke="${s.color}" stroke-width="2">${seg.value}</text>` : "";
      out.push(
        link(
          seg.href,
          `<g class="segment" data-series="${escapeXml(s.key)}" data-value="${seg.value}"><rect x="${num(x)}" y="${y + 3}" width="${num(w)}" height="${rowHeight - 8}" fill="${fillOf(c.id, s)}" stroke="#ffffff" stroke-width="1"><title>${escapeXml(`${row.label}: ${s.name} ${seg.value}`)}</title></rect>${label}</g>`,
        ),
      );
      x += w;
      total += seg.value;
    }
    out.push(`<text class="total" x="${num(x + 6)}" y="${y + 16}" fill="#1a1a1a" font-weight="600">${total}</text></g>`);
  });
  out.push("</svg>");
  return out.join("");
}

/** Lines over evenly spaced points (days, weeks), with a y axis from zero. */
export function lineChart(c: ChartText & { series: Series[]; points: LinePoint[]; width?: number; height?: number; valueLabels?: "all" | "last" }): string {
  const width = c.width ?? 720;
  const height = c.height ?? 260;
  const left = 40;
  const right = 24;
  const top = 34;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...c.points.flatMap((p) => c.series.map((s) => p.values[s.key] ?? 0)));
  const step = max <= 5 ? 1 : Math.ceil(max / 5);
  const yMax = Math.ceil(max / step) * step;
  const xOf = (i: number) => left + (c.points.length <= 1 ? plotW / 2 : (i / (c.points.length - 1)) * plotW);
  const yOf = (v: number) => top + plotH - (v / yMax) * plotH;
  const out = [open(c, width, height, "lines"), legend(c.id, c.series, 14, true)];
  for (let v = 0; v <= yMax; v += step) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${num(yOf(v))}" y2="${num(yOf(v))}" stroke="#d0d0d0" stroke-width="1"/><text x="${left - 6}" y="${num(yOf(v) + 4)}" text-anchor="end" fill="#444">${v}</text>`);
  }
  const every = Math.ceil(c.points.length / 10);
  c.points.forEach((p, i) => {
    if (i % every === 0 || i === c.points.length - 1) out.push(`<text x="${num(xOf(i))}" y="${height - bottom + 18}" text-anchor="middle" fill="#444">${escapeXml(p.label)}</text>`);
  });
  if (c.points.length === 0) out.push(`<text x="${left}" y="${top + 20}" fill="#333">Nothing to show.</text>`);
  const labelled = (i: number) => (c.valueLabels ?? "all") === "all" || i === c.points.length - 1;
  c.series.forEach((s, n) => {
    const coords = c.points.map((p, i) => [xOf(i), yOf(p.values[s.key] ?? 0)] as const);
    if (coords.length > 1) {
      const d = coords.map(([x, y], i) => `${i === 0 ? "M" : "L"}${num(x)},${num(y)}`).join(" ");
      out.push(`<path class="series" data-series="${escapeXml(s.key)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
    }
    c.points.forEach((p, i) => {
      const value = p.values[s.key] ?? 0;
      const [x, y] = coords[i]!;
      // Labels of the second series sit below its points (above on the axis), so two equal values stay readable.
      const below = n % 2 === 1 && y + 16 < top + plotH - 4;
      const text = labelled(i) ? `<text x="${num(x)}" y="${num(below ? y + 16 : y - 8)}" text-anchor="middle" fill="#1a1a1a" font-size="11">${value}</text>` : "";
      out.push(
        link(
          p.href,
          `<g class="point" data-series="${escapeXml(s.key)}" data-label="${escapeXml(p.label)}" data-value="${value}">${markerShape(s.marker ?? "circle", x, y, s.color)}<title>${escapeXml(`${p.label}: ${s.name} ${value}`)}</title>${text}</g>`,
        ),
      );
    });
  });
  out.push("</svg>");
  return out.join("");
}
