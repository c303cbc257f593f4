import type { RunView } from "../../core/run.js";
import { statusLook } from "./status-look.js";

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A tagged template whose interpolations are escaped, unless they are `Html` already. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = string | number | Html | undefined | null | false | Part[];

function partText(part: Part): string {
  if (Array.isArray(part)) return part.map(partText).join("");
  if (part instanceof Html) return part.text;
  if (part === undefined || part === null || part === false) return "";
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((out, string, i) => out + string + (i < parts.length ? partText(parts[i]!) : ""), ""));
}

/** "2026-12-04 07:30:12 UTC": the same on every screen, whatever the reader's zone. */
export function shownTime(iso: string | undefined): Html {
  if (!iso) return html`<span class="none">—</span>`;
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace("T", " ")} UTC</time>`;
}

/** Started to finished, or to now while it runs; nothing before it started. */
export function durationMs(run: RunView, now: Date): number | undefined {
  if (!run.startedAt) return undefined;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now.getTime();
  return Math.max(0, end - Date.parse(run.startedAt));
}

export function shownDuration(ms: number | undefined): string {
  if (ms === undefined) return "—";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function statusBadge(status: RunView["status"]): Html {
  const look = statusLook[status];
  return html`<span class="status status-${status}"><span aria-hidden="true">${look.icon}</span> ${look.word}</span>`;
}
