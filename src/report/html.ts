import type { Finding, ScanResult } from '../types.js';
import { excerptOf } from './excerpt.js';
import { renderAtEnd, type ReportSink } from './sink.js';
import type { ReportOptions } from './index.js';
import { ruleInfos } from './ruleInfo.js';
import { countsByRule, formatBytes } from './summary.js';
import { verificationText } from './verificationText.js';

/** Text made safe inside HTML elements and quoted attributes. */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The directory a path starts with ("src" for "src/a/b.ts"), or "(top level)" for a root file. */
export function topLevelDir(path: string): string {
  const slash = path.indexOf('/');
  return slash > 0 ? `${path.slice(0, slash)}/` : '(top level)';
}

/**
 * Counts per key, most first (ties by key): the first `max` as bars, and what is left over
 * (`rest`: how many more keys, how many items) to be said in words rather than drawn, so one
 * "(other)" bar never dwarfs the bars that name something.
 */
export function tally(keys: string[], max = 12): { top: [string, number][]; rest?: { keys: number; count: number } } {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (sorted.length <= max) return { top: sorted };
  return { top: sorted.slice(0, max), rest: { keys: sorted.length - max, count: sorted.slice(max).reduce((n, [, c]) => n + c, 0) } };
}

/** A tally as a bar chart, with a line under it for what did not get a bar. */
function tallyChart(id: string, title: string, noun: string, t: ReturnType<typeof tally>): string {
  const more = t.rest
    ? `<p class="more" id="${id}-more">and ${t.rest.keys} more ${noun} with ${t.rest.count} finding${t.rest.count === 1 ? '' : 's'} (see the table)</p>`
    : '';
  return `${barChart(id, title, t.top)}${more}`;
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

/** The Verified cell: the status (sort key) and what STS said. */
function verificationCell(f: Finding): string {
  const v = f.verification;
  return v ? `<td data-v="${v.status}" class="verify-${v.status}">${htmlEscape(verificationText(v))}</td>` : '<td data-v=""></td>';
}

/** A path that may break only after a "/" (never inside a name). */
function pathHtml(p: string): string {
  return htmlEscape(p).replace(/\//g, '/<wbr>');
}

/** The commit cell: the short hash (whole on one line), then author, date and subject in view. */
function commitHtml(f: Finding): string {
  if (!f.commit) return '';
  const who = [f.author, f.date]
    .filter(Boolean)
    .map((s) => htmlEscape(s!))
    .join(' · ');
  return (
    `<span class="hash" title="${htmlEscape(f.commit)}">${htmlEscape(f.commit.slice(0, 12))}</span>` +
    (who ? `<span class="who">${who}</span>` : '') +
    (f.message ? `<span class="subject">${htmlEscape(f.message)}</span>` : '')
  );
}

function findingRow(f: Finding, help: string, verified = false, byRepository = false): string {
  const cells = [
    `<td data-v="${htmlEscape(f.ruleId)}"><span class="sev sev-${f.severity}">${htmlEscape(f.severity)}</span> ${htmlEscape(f.ruleId)}</td>`,
    `<td data-v="${htmlEscape(f.path)}" class="path">${pathHtml(f.path)}</td>`,
    `<td data-v="${f.line}" class="num">${f.line}${f.endLine !== undefined && f.endLine !== f.line ? `–${f.endLine}` : ''}</td>`,
    `<td data-v="${f.column}" class="num">${f.column}</td>`,
    `<td class="code">${excerptHtml(f)}</td>`,
    `<td data-v="${htmlEscape(f.awsAccountId ?? '')}">${htmlEscape(f.awsAccountId ?? '')}</td>`,
    ...(verified ? [verificationCell(f)] : []),
    `<td data-v="${htmlEscape(f.date ?? f.commit ?? '')}" class="commit">${commitHtml(f)}</td>`,
    `<td class="fix">${htmlEscape(help)}</td>`,
  ];
  if (byRepository) cells.unshift(`<td data-v="${htmlEscape(f.repository ?? '')}" class="path">${htmlEscape(f.repository ?? '')}</td>`);
  return `<tr data-rule="${htmlEscape(f.ruleId)}">${cells.join('')}</tr>`;
}

/** The "Scan" section: what was audited, when and how (from opts.meta), and by which keyfence. */
function scanDetails(opts: ReportOptions): string {
  const m = opts.meta;
  const rows: [string, string][] = [];
  if (m?.repository) {
    rows.push(['Repository', m.repository.name]);
    if (m.repository.remote) rows.push(['Remote', m.repository.remote]);
    if (m.repository.branch) rows.push(['Branch', m.repository.branch]);
  }
  if (m) rows.push(['Scanned', m.target], ['Mode', m.mode], ['Date', m.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')]);
  if (opts.version) rows.push(['keyfence', opts.version]);
  if (m) rows.push(['Command', m.commandLine]);
  if (!rows.length) return '';
  const cls = (k: string) => (k === 'Remote' || k === 'Command' || k === 'Scanned' ? ' class="code"' : '');
  return `<section id="scan"><h2>Scan</h2><dl class="meta">${rows.map(([k, v]) => `<dt>${htmlEscape(k)}</dt><dd${cls(k)}>${htmlEscape(v)}</dd>`).join('')}</dl></section>\n`;
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
.path{overflow-wrap:normal;word-break:normal}.commit .hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;white-space:nowrap}
.commit .who,.commit .subject{display:block;font-size:12px;color:var(--muted)}.fix{font-size:12.5px;max-width:28em}.more{color:var(--muted);font-size:12px;margin:4px 0 0}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:0}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}mark{background:var(--accent);color:#fff;border-radius:3px;padding:0 2px}
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
 * (rule, path, line, column, the redacted excerpt with the secret marked, AWS account, what
 * `--verify` found when it ran, commit),
 * sortable by clicking a column header and filterable by text and by rule; suppressed findings
 * are listed with the reason. Every value is HTML-escaped; the page holds only what the result
 * holds, so secrets are as redacted as the result given.
 */
export function htmlReport(result: ScanResult, opts: ReportOptions): string {
  return [...htmlReportChunks(result, opts)].join('');
}

/** The HTML report as a sink (see ReportSink): rendered at the end, since the summary and charts above the table come from every finding. */
export function htmlSink(opts: ReportOptions): ReportSink {
  return renderAtEnd((result) => htmlReportChunks(result, opts));
}

/** The HTML report in pieces, one per table row (htmlReport joins them). */
export function* htmlReportChunks(result: ScanResult, opts: ReportOptions): Generator<string> {
  const { findings, suppressed, stats } = result;
  const help = new Map(ruleInfos(opts.rules, findings).map((r) => [r.id, r.help]));
  const n = findings.length;
  // A merge of several repositories' reports (keyfence merge): findings grouped by repository.
  const byRepository = [...findings, ...suppressed].some((f) => f.repository !== undefined);
  const repoCounts = byRepository
    ? tally(
        findings.map((f) => f.repository ?? ''),
        Infinity,
      ).top.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    : [];
  const repoTable = byRepository
    ? `<h2>Repositories</h2><table id="repo-counts" style="width:auto"><thead><tr><th>Repository</th><th>Findings</th></tr></thead><tbody>${repoCounts.map(([r, c]) => `<tr><td>${htmlEscape(r)}</td><td class="num">${c}</td></tr>`).join('')}</tbody></table>`
    : '';
  const where = byRepository ? 'repository' : 'top-level directory';
  const byRule = countsByRule(result.findings);
  // The Verified column only after `scan --verify` (when a finding has a verification).
  const verified = findings.some((f) => f.verification);
  const card = (label: string, value: string, bad = false) =>
    `<div class="card${bad ? ' bad' : ''}"><b>${htmlEscape(value)}</b><span>${htmlEscape(label)}</span></div>`;
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
  const tableHead = n
    ? `<div class="tools"><input id="filter" type="search" placeholder="Filter findings…" aria-label="Filter findings">` +
      `<select id="rule-filter" aria-label="Rule"><option value="">all rules</option>${ruleOptions}</select><span id="shown">${n} of ${n} findings shown</span></div>` +
      `<table id="findings-table"><thead><tr>${byRepository ? head('Repository', 'text') : ''}${head('Rule', 'text')}${head('Path', 'text')}${head('Line', 'number')}${head('Column', 'number')}${head('Excerpt')}${head('AWS account', 'text')}${verified ? head('Verified', 'text') : ''}${head('Commit', 'text')}${head('How to rotate')}</tr></thead>` +
      `<tbody>\n`
    : '<p id="no-findings">No secrets found.</p>';
  const suppressedTable = suppressed.length
    ? `<h2>Suppressed (${suppressed.length})</h2><table id="suppressed-table"><thead><tr>${byRepository ? '<th>Repository</th>' : ''}<th>Rule</th><th>Path</th><th>Line</th><th>Allowed by</th></tr></thead><tbody>\n` +
      suppressed
        .map(
          (f) =>
            `<tr>${byRepository ? `<td class="path">${htmlEscape(f.repository ?? '')}</td>` : ''}<td>${htmlEscape(f.ruleId)}</td><td class="path">${htmlEscape(f.path)}</td><td class="num">${f.line}</td><td>${htmlEscape(`${f.suppressedBy.stage}: ${f.suppressedBy.reason}`)}</td></tr>`,
        )
        .join('\n') +
      '\n</tbody></table>'
    : '';
  const title = `keyfence report: ${n} finding${n === 1 ? '' : 's'}`;
  const about = opts.meta?.repository ? ` in ${opts.meta.repository.name}` : '';
  yield `<!doctype html>
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
<header><h1>${htmlEscape(title + about)}</h1><p class="sub">Secrets are ${opts.redacted === false ? 'shown in clear (--no-redact): keep this page private' : 'redacted'}. Rotate every credential listed: removing it from the code does not un-leak it.</p></header>
${scanDetails(opts)}<section id="summary"><h2>Summary</h2><div class="cards">${cards.join('')}</div>
${byRule.length ? `<table id="rule-counts" style="width:auto"><thead><tr><th>Rule</th><th>Findings</th></tr></thead><tbody>${ruleRows}</tbody></table>` : ''}${repoTable}</section>
<section id="charts"><h2>Where</h2><div class="charts">
<figure><figcaption>Findings by ${where}</figcaption>${tallyChart(byRepository ? 'chart-repos' : 'chart-dirs', `Findings by ${where}`, byRepository ? 'repositories' : 'directories', tally(findings.map((f) => (byRepository ? (f.repository ?? '') : topLevelDir(f.path)))))}</figure>
<figure><figcaption>Findings by rule</figcaption>${tallyChart('chart-rules', 'Findings by rule', 'rules', tally(findings.map((f) => f.ruleId)))}</figure>
</div></section>
<section id="findings"><h2>Findings</h2>
${tableHead}`;
  for (const f of findings) yield `${findingRow(f, help.get(f.ruleId)!, verified, byRepository)}\n`;
  yield `${n ? '</tbody></table>' : ''}
${suppressedTable}
</section>
<footer>Generated by keyfence${opts.version ? ` ${htmlEscape(opts.version)}` : ''}. This page makes no network requests.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
