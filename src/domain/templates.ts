/**
 * Renders the note templates in policies/templates/. Templates are plain markdown with named
 * placeholders (`{{recipient}}`); nothing is evaluated. Values are either trusted (produced by the
 * bot: mentions of known users, lists it built) or user text, which is neutralised. The whole body
 * is finally stripped of quick actions.
 */
import { stripMarkers } from "./markers.js";
import { neutraliseInline, neutraliseQuickActions } from "./text.js";

export type TemplateValue = string | { trusted: string };

export function renderTemplate(template: string, values: Record<string, TemplateValue>): string {
  const rendered = template.replace(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) return whole;
    // People's text never brings a marker into what the bot writes (it would count as the bot's).
    return typeof v === "string" ? neutraliseInline(stripMarkers(v)) : v.trusted;
  });
  return neutraliseQuickActions(rendered.trim());
}

/** Looks a template up by name, with an error a policy editor can act on. */
export function templateText(templates: Record<string, string>, name: string): string {
  const t = templates[name];
  if (t === undefined) {
    throw new Error(`Template "${name}" is not in policies/templates/ (expected policies/templates/${name}.md).`);
  }
  return t;
}
