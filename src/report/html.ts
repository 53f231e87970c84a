import { randomBytes } from 'node:crypto';
import type { Finding } from '../engine/finding.js';
import type { RuleMeta, Severity } from '../rules/types.js';
import { formatBytes } from '../units.js';
import { describeVerification } from './validation.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Report } from './types.js';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * One self-contained HTML file: styles and script inline, nothing fetched (the Content-Security-Policy
 * forbids it, and the script runs only with this report's nonce). Every row is rendered here, escaped, so
 * the page reads without JavaScript; the script only sorts, filters and counts rows it finds in the DOM,
 * and never turns report data into markup. Paths, subjects and author names are attacker-controlled.
 */
export function formatHtml(report: Report): string {
  const nonce = randomBytes(16).toString('base64');
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const findings = [...report.findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || dateValue(a).localeCompare(dateValue(b)) || a.path.localeCompare(b.path) || a.line - b.line,
  );
  const history = report.kind === 'history';
  const bySeverity = SEVERITIES.map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const);
  const byProvider = countBy(findings.map((finding) => providerOf(finding, rules.get(finding.ruleId))));
  const byStatus = countBy(findings.map(statusOf));
  const ruleIds = [...new Set(findings.map((finding) => finding.ruleId))].sort();
  const statuses = [...new Set(findings.map(statusOf))].sort();
  const { stats } = report;
  const scanned = stats.blobsScanned > 0 ? `${stats.blobsScanned.toLocaleString('en-US')} blobs` : `${stats.filesScanned.toLocaleString('en-US')} files`;

  const rows = findings.map((finding) => row(finding, rules.get(finding.ruleId), history)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${TOOL_NAME} report: ${findings.length} finding${findings.length === 1 ? '' : 's'}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${TOOL_NAME} <span class="muted">${escapeHtml(report.kind)} scan</span></h1>
<p class="muted">${escapeHtml(`${TOOL_NAME} ${TOOL_VERSION}: scanned ${scanned}, ${formatBytes(stats.bytesScanned)} in ${(report.durationMs / 1000).toFixed(2)} s. Secrets are redacted.`)}</p>
</header>
<section class="summary" aria-label="Summary">
<div class="card total"><div class="big" id="total">${findings.length}</div><div>finding${findings.length === 1 ? '' : 's'}</div></div>
<div class="card"><h2>Severity</h2><ul>${bySeverity.map(([severity, count]) => `<li><span class="sev ${severity}">${severity}</span> <b data-count="severity:${severity}">${count}</b></li>`).join('')}</ul></div>
<div class="card"><h2>Provider</h2><ul>${byProvider.map(([provider, count]) => `<li>${escapeHtml(provider)} <b>${count}</b></li>`).join('') || '<li class="muted">none</li>'}</ul></div>
<div class="card"><h2>Status</h2><ul>${byStatus.map(([status, count]) => `<li>${escapeHtml(status)} <b data-count="status:${escapeHtml(status)}">${count}</b></li>`).join('') || '<li class="muted">none</li>'}</ul></div>
</section>
${report.warnings.length > 0 ? `<section class="warnings"><h2>Warnings</h2><ul>${report.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul></section>` : ''}
<form class="filters" id="filters" aria-label="Filters">
<label>Severity <select name="severity"><option value="">all</option>${SEVERITIES.map((s) => `<option>${s}</option>`).join('')}</select></label>
<label>Rule <select name="rule"><option value="">all</option>${ruleIds.map((id) => `<option>${escapeHtml(id)}</option>`).join('')}</select></label>
<label>Status <select name="status"><option value="">all</option>${statuses.map((s) => `<option>${escapeHtml(s)}</option>`).join('')}</select></label>
<label>Path <input name="path" type="search" placeholder="contains…"></label>
<label>Introduced from <input name="from" type="date"></label>
<label>to <input name="to" type="date"></label>
<output id="shown" aria-live="polite">${findings.length} finding${findings.length === 1 ? '' : 's'}</output>
</form>
<table id="findings">
<thead><tr>
<th data-key="severity" aria-sort="ascending">Severity</th><th data-key="rule">Rule</th><th data-key="path">Location</th><th>Secret</th><th data-key="status">Status</th><th data-key="date">${history ? 'Introduced' : 'Date'}</th><th data-key="count">Seen</th>
</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${findings.length === 0 ? '<p class="empty">No secrets found.</p>' : ''}
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function row(finding: Finding, rule: RuleMeta | undefined, history: boolean): string {
  const commit = finding.introduced?.commit ?? finding.commit;
  const date = dateValue(finding);
  const status = statusOf(finding);
  const count = finding.occurrenceCount ?? 1;
  const commitCell =
    commit === undefined
      ? ''
      : `<div class="commit">${link(commit.url, `<code>${escapeHtml(commit.sha.slice(0, 12))}</code>`)} ${escapeHtml(commit.subject)}<br><span class="muted">${escapeHtml(commit.authorName)} · ${escapeHtml(commit.date.slice(0, 16).replace('T', ' '))}</span></div>`;
  const where: string[] = [];
  for (const entry of finding.presentIn ?? []) where.push(`present on <b>${escapeHtml(entry.ref)}</b> at ${escapeHtml(entry.path)}`);
  for (const entry of finding.removedIn ?? []) {
    where.push(
      `removed from <b>${escapeHtml(entry.ref)}</b>${entry.commit === undefined ? '' : ` by ${link(entry.commit.url, `<code>${escapeHtml(entry.commit.sha.slice(0, 12))}</code>`)} ${escapeHtml(entry.commit.subject)}`}`,
    );
  }
  const places = [...new Set((finding.occurrences ?? []).map((o) => `${o.path}:${o.line}`))];
  const details =
    history && (places.length > 1 || (finding.refs?.length ?? 0) > 0)
      ? `<details><summary>${places.length} place${places.length === 1 ? '' : 's'}${finding.refs !== undefined ? `, ${finding.refs.length} ref${finding.refs.length === 1 ? '' : 's'}` : ''}</summary><ul>${places
          .map((place) => `<li>${escapeHtml(place)}</li>`)
          .join('')}</ul>${finding.refs !== undefined && finding.refs.length > 0 ? `<p>refs: ${finding.refs.map(escapeHtml).join(', ')}</p>` : ''}</details>`
      : '';
  const verification =
    finding.verification.status === 'unverified'
      ? ''
      : ` <span class="verify ${escapeHtml(finding.verification.status)}" title="${escapeHtml(describeVerification(finding.verification))}">${escapeHtml(finding.verification.status)}</span>`;
  const attributes = [
    ['severity', finding.severity],
    ['rank', String(SEVERITY_RANK[finding.severity])],
    ['rule', finding.ruleId],
    ['path', finding.path],
    ['status', status],
    ['date', date],
    ['count', String(count)],
  ]
    .map(([key, value]) => `data-${key}="${escapeHtml(value!)}"`)
    .join(' ');
  return `<tr ${attributes}>
<td><span class="sev ${finding.severity}">${finding.severity}</span></td>
<td><b>${escapeHtml(finding.ruleId)}</b><br><span class="muted">${escapeHtml(rule?.name ?? finding.name)}</span></td>
<td><code>${escapeHtml(`${finding.path}:${finding.line}:${finding.column}`)}</code>${commitCell}</td>
<td><code class="secret">${escapeHtml(finding.secret)}</code>${verification}</td>
<td><span class="status ${escapeHtml(status)}">${escapeHtml(status)}</span>${where.length > 0 ? `<div class="where">${where.join('<br>')}</div>` : ''}</td>
<td class="nowrap">${escapeHtml(date.slice(0, 10))}</td>
<td>${count}${details}</td>
</tr>`;
}

function statusOf(finding: Finding): string {
  return finding.status ?? (finding.commit === undefined ? 'in tree' : 'in history');
}

function dateValue(finding: Finding): string {
  const date = finding.introduced?.commit.date ?? finding.commit?.date;
  if (date === undefined) return '';
  const time = Date.parse(date);
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}

/** The provider a rule belongs to: the tag its id starts with (`stripe-…` → stripe), else its last tag. */
function providerOf(finding: Finding, rule: RuleMeta | undefined): string {
  const tags = (rule?.tags ?? []).filter((tag) => tag !== 'security' && tag !== 'secret');
  return tags.find((tag) => finding.ruleId.startsWith(`${tag}-`)) ?? tags.at(-1) ?? finding.ruleId.split('-')[0] ?? finding.ruleId;
}

function countBy(values: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Only https links that the history source built from a forge remote; anything else is plain text. */
function link(url: string | undefined, inner: string): string {
  if (url === undefined || !/^https:\/\/[\w.-]+\/[\w./-]+$/.test(url)) return inner;
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">${inner}</a>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => `&#${char.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f8f9fb;--card:#fff}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 6px}
.muted{color:var(--muted);font-weight:normal}code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:170px}
.card ul{list-style:none;margin:0;padding:0}.card li{display:flex;justify-content:space-between;gap:16px}.total{text-align:center}.big{font-size:34px;font-weight:700}
.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;background:#98a2b3}
.sev.critical{background:#b42318}.sev.high{background:#e04f16}.sev.medium{background:#b54708}.sev.low{background:#1570ef}.sev.info{background:#667085}
.status{font-weight:600}.status.present{color:#b42318}.status.removed{color:#027a48}
.filters{display:flex;gap:12px;flex-wrap:wrap;align-items:end;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin-bottom:12px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}.filters select,.filters input{font:inherit;padding:3px 6px}
#shown{margin-left:auto;color:var(--muted)}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}th{background:#f2f4f7;font-size:12px;white-space:nowrap}
th[data-key]{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
.nowrap,.secret{white-space:nowrap}.commit{margin-top:4px}.where{font-size:12px;margin-top:4px}.verify{font-size:12px;border:1px solid var(--line);border-radius:4px;padding:0 4px}.verify.live{color:#b42318;border-color:#b42318}
.warnings{background:#fffaeb;border:1px solid #fec84b;border-radius:8px;padding:8px 14px;margin-bottom:12px}
details summary{cursor:pointer;color:var(--muted);font-size:12px}.empty{padding:24px;text-align:center;color:var(--muted)}
`;

/** Sorting and filtering over the rows' data attributes; the state also lives in the URL hash. */
const SCRIPT = `
(function(){
var form=document.getElementById('filters'),body=document.querySelector('#findings tbody'),shown=document.getElementById('shown');
var rows=Array.prototype.slice.call(body.rows),sortKey='severity',sortDir=1,keys=['severity','rule','status','path','from','to'];
function field(k){return form.elements.namedItem(k);}
function value(row,key){if(key==='severity')return Number(row.dataset.rank);if(key==='count')return Number(row.dataset.count);return row.dataset[key]||'';}
function apply(){
var f={};keys.forEach(function(k){f[k]=field(k).value;});f.path=f.path.toLowerCase();
var n=0;
rows.forEach(function(row){var d=row.dataset,day=(d.date||'').slice(0,10);
var ok=(!f.severity||d.severity===f.severity)&&(!f.rule||d.rule===f.rule)&&(!f.status||d.status===f.status)&&(!f.path||d.path.toLowerCase().indexOf(f.path)!==-1)&&(!f.from||(day&&day>=f.from))&&(!f.to||(day&&day<=f.to));
row.hidden=!ok;if(ok)n++;});
shown.textContent=n+' of '+rows.length+' shown';
var state=[];keys.forEach(function(k){if(field(k).value)state.push(k+'='+encodeURIComponent(field(k).value));});
if(sortKey!=='severity'||sortDir<0)state.push('sort='+(sortDir<0?'-':'')+sortKey);
try{if(state.length||location.hash)history.replaceState(null,'',state.length?'#'+state.join('&'):location.pathname+location.search);}catch(e){}
}
function sort(key){
if(sortKey===key)sortDir=-sortDir;else{sortKey=key;sortDir=1;}
rows.sort(function(a,b){var x=value(a,key),y=value(b,key),c=x<y?-1:x>y?1:0;return c*sortDir||Number(a.dataset.rank)-Number(b.dataset.rank);});
rows.forEach(function(row){body.appendChild(row);});
document.querySelectorAll('th[data-key]').forEach(function(th){if(th.dataset.key===key)th.setAttribute('aria-sort',sortDir>0?'ascending':'descending');else th.removeAttribute('aria-sort');});
apply();
}
var sortable=['severity','rule','path','status','date','count'];
var wanted;
location.hash.slice(1).split('&').forEach(function(pair){var i=pair.indexOf('=');if(i<1)return;var k=pair.slice(0,i),v=pair.slice(i+1);
if(k==='sort'){wanted=v;return;}
if(keys.indexOf(k)!==-1){try{field(k).value=decodeURIComponent(v);}catch(e){}}});
document.querySelectorAll('th[data-key]').forEach(function(th){th.addEventListener('click',function(){sort(th.dataset.key);});});
form.addEventListener('input',apply);form.addEventListener('submit',function(e){e.preventDefault();});
if(wanted){var desc=wanted.charAt(0)==='-',key=desc?wanted.slice(1):wanted;if(sortable.indexOf(key)!==-1){sortKey='';sort(key);if(desc)sort(key);}}
apply();
})();
`;
