import type { Finding, ScanResult } from '../types.js';
import { excerptOf } from './excerpt.js';
import type { ReportOptions } from './index.js';
import { countsByRule, formatBytes } from './summary.js';

/** Text made safe inside HTML elements and quoted attributes. */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The directory a path starts with ("src" for "src/a/b.ts"), or "(top level)" for a root file. */
export function topLevelDir(path: string): string {
  const slash = path.indexOf('/');
  return slash > 0 ? `${path.slice(0, slash)}/` : '(top level)';
}

/** Counts per key, most first (ties by key), the tail past `max - 1` folded into "(other)". */
function tally(keys: string[], max = 12): [string, number][] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (sorted.length <= max) return sorted;
  const rest = sorted.slice(max - 1).reduce((n, [, c]) => n + c, 0);
  return [...sorted.slice(0, max - 1), ['(other)', rest]];
}

/** A horizontal bar chart as inline SVG: one labelled bar per entry, the count at its end. */
export function barChart(id: string, title: string, data: [string, number][]): string {
  const rowH = 26;
  const labelW = 200;
  const barW = 300;
  const h = Math.max(1, data.length) * rowH + 8;
  const max = Math.max(1, ...data.map(([, n]) => n));
  const bars = data.map(([label, n], i) => {
    const y = i * rowH + 4;
    const w = Math.max(2, Math.round((n / max) * barW));
    const shown = label.length > 28 ? `${label.slice(0, 27)}…` : label;
    return (
      `<g class="bar" data-label="${htmlEscape(label)}" data-count="${n}"><title>${htmlEscape(`${label}: ${n}`)}</title>` +
      `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end">${htmlEscape(shown)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="3"></rect>` +
      `<text x="${labelW + w + 6}" y="${y + 17}" class="n">${n}</text></g>`
    );
  });
  const empty = data.length ? '' : `<text x="8" y="20" class="n">nothing found</text>`;
  return (
    `<svg id="${id}" role="img" aria-label="${htmlEscape(title)}" viewBox="0 0 ${labelW + barW + 60} ${h}" width="${labelW + barW + 60}" height="${h}" xmlns="http://www.w3.org/2000/svg">` +
    `${bars.join('')}${empty}</svg>`
  );
}

function excerptHtml(f: Finding): string {
  const ex = excerptOf(f, 30);
  if (!ex.secret) return `${htmlEscape(ex.before)} <mark>${htmlEscape(f.secret)}</mark>`;
  return `${htmlEscape(ex.before)}<mark>${htmlEscape(ex.secret)}</mark>${htmlEscape(ex.after)}`;
}

function findingRow(f: Finding): string {
  const commit = f.commit ? `<span title="${htmlEscape(`${f.commit} ${f.author ?? ''} ${f.date ?? ''} ${f.message ?? ''}`.trim())}">${htmlEscape(f.commit.slice(0, 12))}</span>` : '';
  const cells = [
    `<td data-v="${htmlEscape(f.ruleId)}"><span class="sev sev-${f.severity}">${htmlEscape(f.severity)}</span> ${htmlEscape(f.ruleId)}</td>`,
    `<td data-v="${htmlEscape(f.path)}" class="path">${htmlEscape(f.path)}</td>`,
    `<td data-v="${f.line}" class="num">${f.line}${f.endLine !== undefined && f.endLine !== f.line ? `–${f.endLine}` : ''}</td>`,
    `<td data-v="${f.column}" class="num">${f.column}</td>`,
    `<td class="code">${excerptHtml(f)}</td>`,
    `<td data-v="${htmlEscape(f.awsAccountId ?? '')}">${htmlEscape(f.awsAccountId ?? '')}</td>`,
    `<td data-v="${htmlEscape(f.commit ?? '')}" class="code">${commit}</td>`,
  ];
  return `<tr data-rule="${htmlEscape(f.ruleId)}">${cells.join('')}</tr>`;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--accent:#cf222e;--bar:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--accent:#ff7b72;--bar:#4493f8}}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}.sub{color:var(--muted);margin:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}.card.bad b{color:var(--accent)}
.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}svg text{fill:var(--fg);font-size:12px}svg text.n{fill:var(--muted)}svg rect{fill:var(--bar)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer}th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums}.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.path{word-break:break-all}mark{background:var(--accent);color:#fff;border-radius:3px;padding:0 2px}
.sev{font-size:11px;border:1px solid var(--line);border-radius:10px;padding:0 6px;color:var(--muted)}.sev-error{color:var(--accent);border-color:var(--accent)}
.tools{display:flex;gap:12px;align-items:center;margin-bottom:8px}input,select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
#shown{color:var(--muted)}footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

/**
 * Sorting and filtering for the findings table, run in the page. Rows are in the HTML already
 * (the page reads fine without script); this only reorders and hides them.
 */
const SCRIPT = `
(function(){
  var table=document.getElementById('findings-table');if(!table)return;
  var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
  var text=document.getElementById('filter'),rule=document.getElementById('rule-filter'),shown=document.getElementById('shown');
  function apply(){
    var q=text.value.trim().toLowerCase(),r=rule.value,n=0;
    rows.forEach(function(tr){var ok=(!r||tr.getAttribute('data-rule')===r)&&(!q||tr.textContent.toLowerCase().indexOf(q)!==-1);tr.hidden=!ok;if(ok)n++;});
    shown.textContent=n+' of '+rows.length+' findings shown';
  }
  text.addEventListener('input',apply);rule.addEventListener('change',apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,col){
    var b=th.querySelector('button');if(!b)return;
    b.addEventListener('click',function(){
      var dir=th.getAttribute('aria-sort')==='ascending'?-1:1,num=th.getAttribute('data-type')==='number';
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir===1?'ascending':'descending');
      rows.sort(function(a,b){
        var x=a.cells[col].getAttribute('data-v')||'',y=b.cells[col].getAttribute('data-v')||'';
        var c=num?Number(x)-Number(y):x.localeCompare(y);return c*dir;
      });
      rows.forEach(function(tr){body.appendChild(tr);});
    });
  });
  apply();
})();
`;

/**
 * One self-contained HTML page for audits: no network requests and no external assets (a
 * Content-Security-Policy meta tag forbids them; styles, charts and script are inline).
 * Shows the summary (findings, suppressed, files, bytes, commits, time, counts by rule), two
 * inline-SVG bar charts (findings by top-level directory and by rule) and the findings table
 * (rule, path, line, column, the redacted excerpt with the secret marked, AWS account, commit),
 * sortable by clicking a column header and filterable by text and by rule; suppressed findings
 * are listed with the reason. Every value is HTML-escaped; the page holds only what the result
 * holds, so secrets are as redacted as the result given.
 */
export function htmlReport(result: ScanResult, opts: ReportOptions): string {
  const { findings, suppressed, stats } = result;
  const n = findings.length;
  const byRule = countsByRule(result.findings);
  const card = (label: string, value: string, bad = false) => `<div class="card${bad ? ' bad' : ''}"><b>${htmlEscape(value)}</b><span>${htmlEscape(label)}</span></div>`;
  const cards = [
    card('findings', String(n), n > 0),
    card('suppressed', String(suppressed.length)),
    ...(stats.commitsScanned !== undefined ? [card('commits', String(stats.commitsScanned))] : []),
    card('files scanned', String(stats.filesScanned)),
    card('bytes scanned', formatBytes(stats.bytesScanned)),
    card('time', `${stats.durationMs} ms`),
    ...(stats.binarySkipped ? [card('binary skipped', String(stats.binarySkipped))] : []),
    ...(stats.skipped.length ? [card('skipped', String(stats.skipped.length))] : []),
  ];
  const ruleRows = byRule.map(([id, c]) => `<tr><td>${htmlEscape(id)}</td><td class="num">${c}</td></tr>`).join('');
  const ruleOptions = byRule.map(([id]) => `<option value="${htmlEscape(id)}">${htmlEscape(id)}</option>`).join('');
  const head = (label: string, type?: 'text' | 'number') =>
    type ? `<th scope="col" data-type="${type}"><button type="button">${label}</button></th>` : `<th scope="col">${label}</th>`;
  const table = n
    ? `<div class="tools"><input id="filter" type="search" placeholder="Filter findings…" aria-label="Filter findings">` +
      `<select id="rule-filter" aria-label="Rule"><option value="">all rules</option>${ruleOptions}</select><span id="shown">${n} of ${n} findings shown</span></div>` +
      `<table id="findings-table"><thead><tr>${head('Rule', 'text')}${head('Path', 'text')}${head('Line', 'number')}${head('Column', 'number')}${head('Excerpt')}${head('AWS account', 'text')}${head('Commit', 'text')}</tr></thead>` +
      `<tbody>\n${findings.map(findingRow).join('\n')}\n</tbody></table>`
    : '<p id="no-findings">No secrets found.</p>';
  const suppressedTable = suppressed.length
    ? `<h2>Suppressed (${suppressed.length})</h2><table id="suppressed-table"><thead><tr><th>Rule</th><th>Path</th><th>Line</th><th>Allowed by</th></tr></thead><tbody>\n` +
      suppressed
        .map((f) => `<tr><td>${htmlEscape(f.ruleId)}</td><td class="path">${htmlEscape(f.path)}</td><td class="num">${f.line}</td><td>${htmlEscape(`${f.suppressedBy.stage}: ${f.suppressedBy.reason}`)}</td></tr>`)
        .join('\n') +
      '\n</tbody></table>'
    : '';
  const title = `keyfence report: ${n} finding${n === 1 ? '' : 's'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="keyfence${opts.version ? ` ${htmlEscape(opts.version)}` : ''}">
<title>${htmlEscape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${htmlEscape(title)}</h1><p class="sub">Secrets are ${opts.redacted === false ? 'shown in clear (--no-redact): keep this page private' : 'redacted'}. Rotate every credential listed: removing it from the code does not un-leak it.</p></header>
<section id="summary"><h2>Summary</h2><div class="cards">${cards.join('')}</div>
${byRule.length ? `<table id="rule-counts" style="width:auto"><thead><tr><th>Rule</th><th>Findings</th></tr></thead><tbody>${ruleRows}</tbody></table>` : ''}</section>
<section id="charts"><h2>Where</h2><div class="charts">
<figure><figcaption>Findings by top-level directory</figcaption>${barChart('chart-dirs', 'Findings by top-level directory', tally(findings.map((f) => topLevelDir(f.path))))}</figure>
<figure><figcaption>Findings by rule</figcaption>${barChart('chart-rules', 'Findings by rule', tally(findings.map((f) => f.ruleId)))}</figure>
</div></section>
<section id="findings"><h2>Findings</h2>
${table}
${suppressedTable}
</section>
<footer>Generated by keyfence${opts.version ? ` ${htmlEscape(opts.version)}` : ''}. This page makes no network requests.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
