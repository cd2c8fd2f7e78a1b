// The dashboard's styles, inlined into the page. Colour is never the only signal: every cell also says
// its status in words.
export const dashboardStyles = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --skip: #6e7781; }
body { margin: 0; padding: 1rem 2rem; line-height: 1.4; }
header { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: baseline; }
h1 { margin: 0; font-size: 1.4rem; }
h2 { font-size: 1.1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #8c959f; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th small { font-weight: normal; color: #57606a; }
.status span { display: block; }
.status-word { font-weight: 700; }
.category, .facts { font-size: 0.85rem; }
.status-pass { background: color-mix(in srgb, var(--pass) 18%, transparent); }
.status-warn { background: color-mix(in srgb, var(--warn) 22%, transparent); }
.status-fail { background: color-mix(in srgb, var(--fail) 22%, transparent); }
.status-skipped, .status-none { color: var(--skip); }
.overall { font-weight: 700; padding: 0.2rem 0.6rem; border-radius: 0.3rem; }
.mode { font-size: 0.9rem; }
.error { color: var(--fail); font-weight: 600; }
.problems { list-style: none; padding: 0; }
.problem { border-left: 0.35rem solid var(--fail); padding: 0.4rem 0.8rem; margin: 0.5rem 0; }
.problem.status-warn { border-left-color: var(--warn); }
.remediation { white-space: pre-wrap; font-size: 0.85rem; margin: 0.4rem 0; }
.runs { font-family: ui-monospace, monospace; letter-spacing: 0.1rem; }
.run { display: inline-block; min-width: 1.1rem; text-align: center; }
`;
