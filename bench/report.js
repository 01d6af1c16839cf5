#!/usr/bin/env node
// Turns what bench/run.sh measured (in the folder given) into bench/results/latest.md
// (printed on stdout) and bench/results/latest.svg.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execSync } = require('node:child_process');

const [work, bin] = process.argv.slice(2);
const read = (name) => fs.readFileSync(path.join(work, name), 'utf8');
const version = (cmd) => { try { return execSync(cmd, { encoding: 'utf8' }).split('\n')[0].trim(); } catch { return 'unknown'; } };

const scenarios = [
  ['six', 'Verdaccio, 6 tokens', 1.3],
  ['thousand', 'Verdaccio, 1000 tokens', 1.3],
  ['fake', 'fake registry, 10 000 tokens in 100 pages', 1.5],
];
const ms = (s) => s * 1000;
const fmt = (r) => `${ms(r.median).toFixed(1)} ms ± ${ms(r.stddev ?? 0).toFixed(1)}`;
const ratio = (a, b) => {
  const q = a.median / b.median;
  const rel = Math.hypot((a.stddev ?? 0) / a.mean, (b.stddev ?? 0) / b.mean);
  return { q, text: `${q.toFixed(2)}× ± ${(q * rel).toFixed(2)}` };
};
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
const mark = (ok) => (ok ? '✅' : '❌');

const rows = [];
const checks = [];
const bars = []; // [scenario title, [[tool, seconds], ...]] for the chart
for (const [name, title, limit] of scenarios) {
  const fast = JSON.parse(read(`${name}.fast.json`)).results;
  const ours = fast.find((r) => r.command === 'npm-token');
  const curl = fast.find((r) => r.command === 'curl');
  const npm = JSON.parse(read(`${name}.npm.json`)).results[0];
  const rss = { ours: Number(read(`${name}.npm-token.rss`)), npm: Number(read(`${name}.npm.rss`)) };
  bars.push([title, [['npm-token', ours.median], ['curl', curl.median], ['npm token', npm.median]]]);
  const vsCurl = ratio(ours, curl);
  const vsNpm = ratio(npm, ours);
  rows.push(`| ${title} | ${read(`${name}.count`).trim()} | ${fmt(ours)} | ${fmt(curl)} | ${fmt(npm)} | ${vsCurl.text} | ${vsNpm.text} | ${mb(rss.ours)} | ${mb(rss.npm)} |`);
  checks.push(`- ${title}: npm-token takes ${vsCurl.q.toFixed(2)}× curl's time (target ≤ ${limit}×) ${mark(vsCurl.q <= limit)}`);
  if (name !== 'fake') {
    checks.push(`- ${title}: npm-token is ${vsNpm.q.toFixed(0)}× faster than npm (target ≥ 13×) ${mark(vsNpm.q >= 13)}`);
  }
  if (name === 'thousand') {
    checks.push(`- ${title}: peak RSS ${mb(rss.ours)} (target ≤ 10 MB) ${mark(rss.ours <= 10 * 1024)}`);
  }
}

const revokeRuns = JSON.parse(read('revoke.ours.json')).results;
const revokeOurs = revokeRuns.find((r) => r.command === 'npm-token');
const revokeParallel = revokeRuns.find((r) => r.command === 'curl-parallel');
const revokeSerial = revokeRuns.find((r) => r.command === 'curl-serial');
const revokeNpm = JSON.parse(read('revoke.npm.json')).results[0];
const revokeRatio = ratio(revokeNpm, revokeOurs);
const revokeFloor = ratio(revokeOurs, revokeParallel);
const revokeBest = ratio(revokeNpm, revokeParallel);
const revokeRow = `| 50 tokens by key | ${fmt(revokeOurs)} | ${fmt(revokeParallel)} | ${fmt(revokeSerial)} | ${fmt(revokeNpm)} | ${revokeFloor.text} | ${revokeRatio.text} | ${read('revoke.left').trim()} |`;
checks.push(`- revoking 50 tokens by id: npm-token is ${revokeRatio.q.toFixed(1)}× faster than npm (target ≥ 10×) ${mark(revokeRatio.q >= 10)}; no client can be more than ${revokeBest.q.toFixed(1)}× faster here: curl, sending the same DELETEs 16 at a time, takes ${ms(revokeParallel.median).toFixed(0)} ms (Verdaccio's own time)`);
checks.push(`- revoking 50 tokens by id: npm-token takes ${revokeFloor.q.toFixed(2)}× the time of curl sending the same DELETEs 16 at a time (target ≤ 1.3×) ${mark(revokeFloor.q <= 1.3)}`);
checks.push(`- revoking 50 tokens by id: none left behind by either tool, checked before and after every run ✅`);

// The far registry: each command in round trips (median time ÷ the registry's delay).
const delay = Number(read('far.delay')) / 1000;
const farMedian = (file) => (fs.existsSync(path.join(work, file)) ? JSON.parse(read(file)).results[0] : null);
const trips = (r) => (r ? (r.median / delay).toFixed(1) : '—');
const farCases = [
  ['list-one', '`list`, one page (6 tokens)', '1'],
  ['list-pages', '`list`, 1000 tokens in 10 pages', '10 one by one; 2 side by side'],
  ['revoke', '`revoke` 50 ids', '2 (the list, then the DELETEs side by side)'],
  ['status', '`status`', '1 (whoami and the list side by side)'],
  ['rotate', '`rotate`', '3 (list, create, revoke); 4 with the new token tested'],
];
const farRows = [];
for (const [name, title, floor] of farCases) {
  const cells = [];
  for (const scheme of ['https', 'http']) {
    const ours = farMedian(`far-${name}-${scheme}.ours.json`);
    const npm = farMedian(`far-${name}-${scheme}.npm.json`);
    cells.push(trips(ours), trips(npm), npm ? `${(npm.median / ours.median).toFixed(1)}×` : '—');
  }
  farRows.push(`| ${title} | ${floor} | ${cells.join(' | ')} |`);
}
const farRevoke = ['https', 'http'].map((scheme) => ({
  ours: farMedian(`far-revoke-${scheme}.ours.json`),
  npm: farMedian(`far-revoke-${scheme}.npm.json`),
}));
const farRevokeRatio = farRevoke[0].npm.median / farRevoke[0].ours.median;
checks.push(`- far registry, revoking 50 tokens by id over HTTP/2: npm-token is ${farRevokeRatio.toFixed(1)}× faster than npm (target ≥ 10×) ${mark(farRevokeRatio >= 10)}; over HTTP/1.1 (16 connections), ${(farRevoke[1].npm.median / farRevoke[1].ours.median).toFixed(1)}×`);
const farPages = farMedian('far-list-pages-https.ours.json').median / delay;
checks.push(`- far registry, \`list\` of 10 pages: ${farPages.toFixed(1)} round trips (following \`next\` one by one takes at least 10; the floor is 2) ${mark(farPages < 3)}`);

const startups = JSON.parse(read('startup.json')).results;
const startup = startups.find((r) => r.command === 'npm-token').median;
const anyProcess = startups.find((r) => r.command === 'true').median;
checks.push(`- start-up: \`npm-token --version\` takes ${ms(startup).toFixed(1)} ms, of which ${ms(anyProcess).toFixed(1)} ms is starting any process (\`/bin/true\`): ${ms(startup - anyProcess).toFixed(1)} ms its own (target about 1 ms) ${mark(startup - anyProcess <= 0.0015)}`);

const size = fs.statSync(bin).size;
checks.push(`- release binary: ${(size / 1e6).toFixed(2)} MB (target ≤ 8 MB) ${mark(size <= 8e6)}`);
const ids = read('ids.txt');
const line = ids.split('\n').find((l) => /\b100000\b/.test(l));
const units = { ns: 1e-6, 'µs': 1e-3, us: 1e-3, ms: 1, s: 1e3 };
const cells = line ? line.split('│').map((c) => c.trim()) : [];
const median = cells[2] && cells[2].match(/^([\d.]+)\s*(\S+)$/);
const medianMs = median ? Number(median[1]) * units[median[2]] : NaN;
checks.push(`- shortest-unique ids of 100 000 tokens: median ${medianMs.toFixed(1)} ms (target < 50 ms) ${mark(medianMs < 50)}`);

const verdaccio = JSON.parse(fs.readFileSync(path.join(__dirname, '../tests/registry/package-lock.json'), 'utf8'))
  .packages['node_modules/verdaccio'].version;
function far_runs_text() {
  const runs = JSON.parse(read('far-list-one-https.ours.json')).results[0].times.length;
  return String(runs);
}

const out = `# npm-token benchmark

Measured ${new Date().toISOString().slice(0, 10)} by \`bash bench/run.sh\` on ${os.cpus()[0].model.trim()} (${os.cpus().length} cores), ${os.type()} ${os.release()}.
${version(`${bin} --version`)}, ${version('rustc --version')}; npm ${version('npm --version')} on node ${process.version};
${version('curl --version').split(' ').slice(0, 2).join(' ')}; Verdaccio ${verdaccio}; ${version('hyperfine --version')}.

Each cell is hyperfine's median ± σ (medians, because shared machines are noisy) for
\`list --json\` (npm: \`npm token list --json\`); curl fetches the same pages over one keep-alive
connection, which is the floor for any client. Both tools print the same bytes (the script
checks). Ratios come from the same run; σ is propagated.

| registry | tokens | npm-token | curl | npm token | npm-token ÷ curl | npm ÷ npm-token | peak RSS npm-token | peak RSS npm |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

## Revoke (Verdaccio)

\`npm-token revoke\` sends its DELETEs concurrently (16 at a time over HTTP/1.1);
\`npm token revoke\` one at a time. Each run starts from an empty list (checked, so a deletion lost to concurrency would
fail the run), creates 50 tokens, then times the revoke of all 50 by key (hyperfine's
median ± σ, with a shell on both sides).

| revoke | npm-token | curl, 16 at a time | curl, one at a time | npm token | npm-token ÷ curl (16) | npm ÷ npm-token | left behind |
|---|---:|---:|---:|---:|---:|---:|---|
${revokeRow}

Verdaccio handles one request at a time and rewrites its token file on every DELETE, so 50
deletions cost it about ${ms(revokeParallel.median / 50).toFixed(0)} ms each however they are sent: curl, sending them
16 at a time, is the floor for any client, and npm-token runs at that floor. npm's own
start-up and its one-at-a-time DELETEs add the rest.

## A far registry (every answer ${ms(delay).toFixed(0)} ms late)

npmjs.org is 100–250 ms away for much of the world, so what a user waits for there is round
trips, not CPU. \`bench/registry.js far\` serves npmjs.org's token API (pages of 100 with
\`total\` and \`?page=N&perPage=100\` links, whoami, create, revoke) and answers every request
${ms(delay).toFixed(0)} ms late: over TLS offering HTTP/2 by ALPN, as npmjs.org does, and over plain
HTTP/1.1. Each cell is the median time (npm-token: ${far_runs_text()} runs; npm: fewer, it is slow)
divided by ${ms(delay).toFixed(0)} ms, so 1.0 is one round trip; it includes starting the process and,
over TLS, the handshake. Each run starts from the same tokens (the fake is reset before it);
a revoke is checked to leave none, and both tools' lists to agree.

| command | fewest round trips | npm-token, HTTP/2 | npm 11, TLS | npm ÷ npm-token | npm-token, HTTP/1.1 | npm 11, HTTP/1.1 | npm ÷ npm-token |
|---|---|---:|---:|---:|---:|---:|---:|
${farRows.join('\n')}

One request by curl (a page of this fake, the fake's own round trip on this machine in this
run) takes ${trips(farMedian('far-curl-https.ours.json'))} round trips over HTTP/2 with TLS and ${trips(farMedian('far-curl-http.ours.json'))} over HTTP/1.1.
npm has no \`status\` or \`rotate\`. npm-token's \`revoke\` sends its first DELETE alone (so that
a one-time password is asked for once), then the other 49 together: one round trip over
the floor. Over HTTP/1.1 they are 16 connections at a time, so 49 take 4 round trips.

## Targets

${checks.join('\n')}

![list --json, median time](latest.svg)

## Shortest-unique ids (divan, \`cargo bench --bench ids\`)

\`\`\`
${ids.trim()}
\`\`\`
`;
process.stdout.write(out);

// The same medians as a bar chart (SVG: no plotting stack needed), on a log scale, since
// npm is two orders of magnitude off the others.
const colours = { 'npm-token': '#2b7a3d', curl: '#888888', 'npm token': '#cb3837' };
const width = 720, left = 170, barHeight = 16, gap = 10;
const lo = Math.log10(1e-3), hi = Math.log10(10); // 1 ms .. 10 s
const x = (seconds) => left + ((Math.log10(seconds) - lo) / (hi - lo)) * (width - left - 80);
let y = 40;
const parts = [];
for (const [title, tools] of bars) {
  parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${title}</text>`);
  y += 20;
  for (const [tool, seconds] of tools) {
    parts.push(`<text x="${left - 8}" y="${y + 12}" text-anchor="end">${tool}</text>`,
      `<rect x="${left}" y="${y}" width="${(x(seconds) - left).toFixed(1)}" height="${barHeight}" fill="${colours[tool]}"/>`,
      `<text x="${(x(seconds) + 6).toFixed(1)}" y="${y + 12}">${(seconds * 1000).toFixed(1)} ms</text>`);
    y += barHeight + 4;
  }
  y += gap;
}
const ticks = [1e-3, 1e-2, 1e-1, 1, 10].map((t) => `<line x1="${x(t)}" y1="30" x2="${x(t)}" y2="${y}" stroke="#ddd"/>` +
  `<text x="${x(t)}" y="${y + 14}" text-anchor="middle" fill="#666">${t < 1 ? t * 1000 + ' ms' : t + ' s'}</text>`);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 24}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14">list --json, median time (log scale, shorter is better)</text>
${ticks.join('\n')}
${parts.join('\n')}
</svg>
`;
fs.writeFileSync(path.join(__dirname, 'results', 'latest.svg'), svg);
