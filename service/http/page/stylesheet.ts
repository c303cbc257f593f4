/**
 * The page's one stylesheet. Colours meet WCAG AA on white (4.5:1 or more for text); a status
 * always carries its word and icon too, and focus is always visible.
 */
export const stylesheet = `
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --accent: #0550ae; --bg: #fff; --soft: #f6f8fa;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; line-height: 1.45; }
main { max-width: 72rem; margin: 0 auto; padding: 0 1rem 3rem; }
.top { display: flex; justify-content: space-between; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); background: var(--soft); }
.brand { margin: 0; font-weight: 600; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
button, input, select, textarea { font: inherit; color: var(--ink); }
input, select, textarea { border: 1px solid #6e7781; border-radius: 4px; padding: .3rem .45rem; background: #fff; }
button { border: 1px solid #6e7781; border-radius: 4px; padding: .3rem .8rem; background: var(--soft); cursor: pointer; }
button[type=submit] { background: #1f6feb; border-color: #0550ae; color: #fff; }
button.danger { background: #fff; border-color: #a40e26; color: #a40e26; }
label { font-weight: 600; margin-right: .4rem; }
.toolbar { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-variant-numeric: tabular-nums; }
#runs td + td { white-space: nowrap; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; word-break: break-all; }
.none { color: var(--muted); }
.status { display: inline-block; padding: 0 .45rem; border: 1px solid currentColor; border-radius: 1rem; font-weight: 600; white-space: nowrap; }
.status-queued, .status-starting { color: #6639ba; }
.status-running { color: #0550ae; }
.status-succeeded { color: #116329; }
.status-failed { color: #a40e26; }
.status-canceled { color: #57606a; }
.status-lost { color: #7d4e00; }
.pager { display: flex; gap: 1rem; margin: .5rem 0; }
.state { color: var(--muted); min-height: 1.5em; }
.error { color: #a40e26; font-weight: 600; }
.hint { color: var(--muted); }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.fields dt { font-weight: 600; }
.fields dd { margin: 0; }
pre#logs { background: #0d1117; color: #e6edf3; padding: .75rem; border-radius: 6px; min-height: 4rem; max-height: 30rem; overflow: auto; white-space: pre-wrap; }
fieldset { border: 1px solid var(--line); border-radius: 6px; }
.env-row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .3rem 0; }
textarea { display: block; width: 100%; max-width: 40rem; }
#chart svg { display: block; max-width: 100%; height: auto; border-bottom: 1px solid var(--muted); }
figure { margin: .5rem 0; }
figcaption { color: var(--muted); font-size: .9em; }
.bar-queued, .bar-starting { fill: #6639ba; } .bar-running { fill: #0550ae; } .bar-succeeded { fill: #116329; }
.bar-failed { fill: #a40e26; } .bar-canceled { fill: #57606a; } .bar-lost { fill: #7d4e00; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; list-style: none; padding: 0; margin: .3rem 0; }
`;
