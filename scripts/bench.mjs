#!/usr/bin/env node
// errlookup benchmark: `npm run bench` (builds dist/ first), writes BENCHMARKS.md at the repo root.
//
// Method
// - Every figure is a median over ALTERNATING runs: baseline, candidate, baseline, candidate, … so
//   that machine noise (CPU frequency, other load) hits both sides alike. Each command is run once
//   first as an unmeasured warm-up (which also warms the page cache) and its exit status checked.
// - Wall time: process.hrtime.bigint() around child_process.spawnSync, stdio on pipes.
// - Peak RSS: `/usr/bin/time -f %M` wraps every command (baseline too, so its fork/exec cost is on
//   both sides). Without /usr/bin/time (or with BENCH_RSS=wrapper) node commands get a `--require`
//   preload that writes process.resourceUsage().maxRSS to fd 3 on exit; grep's RSS is then n/a.
// - A. Start-up: each errlookup invocation alternates with `node -e 0` (BENCH_RUNS, default 15);
//   reported as median ms and ratio of medians against that baseline.
// - B. Throughput: scripts/gen-log.mjs writes a deterministic mixed log (BENCH_LOG_MB, default
//   500) and the exact number of errors per (provider, code) it wrote. A bare node read
//   (createReadStream, 1 MiB chunks, data discarded), `LC_ALL=C grep -c -E <codes>` and
//   `errlookup --json --file` are alternated round-robin (BENCH_BIG_RUNS, default 3); errlookup's
//   findings (sum of .count per input.provider|input.code) are then compared with the generator's.
// - Children get the caller's environment minus NODE_OPTIONS and NODE_EXTRA_CA_CERTS (the latter
//   alone adds ~90 ms to every node start-up on some CI images, which would hide errlookup's own
//   cost); BENCH_KEEP_NODE_ENV=1 keeps them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { CODES, ensureLog, LOG, OUT_DIR } from './gen-log.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 15);
const BIG_RUNS = Math.max(1, Number(process.env.BENCH_BIG_RUNS) || 3);
const NODE = process.execPath;
const CLI = 'bin/errlookup.cjs';
const MIB = 1024 * 1024;
const RSS_TARGET_MIB = 150;
const STRIPPED = process.env.BENCH_KEEP_NODE_ENV === '1' ? [] : ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];
const BASE_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !STRIPPED.includes(k)));

// ---- measuring one run ----
const TIME = '/usr/bin/time';
const useTime = process.env.BENCH_RSS !== 'wrapper' && existsSync(TIME) && spawnSync(TIME, ['-f', '%M', 'true']).status === 0;
const PRELOAD = `${OUT_DIR}rss-preload.cjs`;
if (!useTime) {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(PRELOAD, "process.on('exit', () => { try { require('node:fs').writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n");
}
const RSS_METHOD = useTime ? '`/usr/bin/time -f %M`' : 'node `--require` preload reporting `process.resourceUsage().maxRSS` (grep: n/a)';

function runOnce(cmd) {
  let file = cmd.file ?? NODE;
  let args = cmd.args;
  if (useTime) [file, args] = [TIME, ['-f', '@@RSS %M', file, ...args]];
  else if (file === NODE) args = ['--require', PRELOAD, ...args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, {
    cwd: ROOT,
    input: cmd.input ?? '',
    stdio: ['pipe', 'pipe', 'pipe', useTime ? 'ignore' : 'pipe'],
    maxBuffer: 512 * MIB,
    env: { ...BASE_ENV, NO_COLOR: '1', ...cmd.env },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw new Error(`${cmd.name}: ${r.error.message}`);
  let stderr = r.stderr.toString();
  let rssKiB = null;
  if (useTime) {
    const m = /@@RSS (\d+)\s*$/.exec(stderr);
    if (m) [rssKiB, stderr] = [Number(m[1]), stderr.slice(0, m.index).replace(/Command exited with non-zero status \d+\n$/, '')];
  } else if (r.output[3]?.length) rssKiB = Number(r.output[3].toString());
  return { ms, rssKiB, status: r.status, stdout: r.stdout.toString(), stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const problems = [];

/** Runs the commands round-robin `runs` times after one warm-up each; returns per-command stats. */
function alternate(cmds, runs) {
  const samples = cmds.map(() => []);
  const check = (cmd, r) => {
    if (r.status !== (cmd.expectStatus ?? 0)) problems.push(`${cmd.name}: exit status ${r.status}${r.stderr ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`);
  };
  cmds.forEach((cmd) => check(cmd, runOnce(cmd)));
  for (let i = 0; i < runs; i++) {
    cmds.forEach((cmd, j) => {
      const r = runOnce(cmd);
      if (i === runs - 1) check(cmd, r);
      samples[j].push(r);
    });
    if (process.stderr.isTTY) process.stderr.write(`\r  ${cmds.map((c) => c.name).join(' / ')}: ${i + 1}/${runs}   `);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  return samples.map((rs) => ({
    ms: median(rs.map((r) => r.ms)),
    rssMiB: rs.some((r) => r.rssKiB === null) ? null : Math.max(...rs.map((r) => r.rssKiB)) / 1024,
    last: rs[rs.length - 1],
  }));
}

// ---- formatting ----
const f1 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
function table(head, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---- A. start-up ----
const BASE = { name: 'node -e 0', args: ['-e', '0'] };
const XML_BODY =
  '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>Operations per second is over the account limit.\n' +
  'RequestId:5c1f0d7e-601e-0042-2b5a-9bc4f1000000\nTime:2024-05-01T10:00:00.1234567Z</Message></Error>';
// For reference: the floor a CommonJS CLI (errlookup's) pays over `node -e 0`, and the higher one an
// ES-module CLI would pay (the ESM loader itself).
const EMPTY_CJS = `${OUT_DIR}empty.cjs`;
const EMPTY_ESM = `${OUT_DIR}empty.mjs`;
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(EMPTY_CJS, '\n');
writeFileSync(EMPTY_ESM, 'export {};\n');
const STARTUP = [
  { name: 'node empty.cjs (an empty CommonJS file: the floor)', args: [EMPTY_CJS], target: null },
  { name: 'node empty.mjs (an empty ES module)', args: [EMPTY_ESM], target: null },
  { name: 'errlookup ServerBusy', args: [CLI, 'ServerBusy'], target: 1.15 },
  { name: 'errlookup 503', args: [CLI, '503'], target: null },
  { name: 'errlookup SlowDwon (fuzzy)', args: [CLI, 'SlowDwon'], target: 1.3 },
  { name: 'XML error body on stdin', args: [CLI], input: XML_BODY, target: 1.3 },
];

console.log(`errlookup benchmark: node ${process.version}, ${RUNS} alternating start-up runs, ${BIG_RUNS} big-log runs, RSS via ${useTime ? '/usr/bin/time' : 'preload'}`);
console.log('\nA. start-up');
const startupRows = [];
let baseRss = null;
for (const cmd of STARTUP) {
  const [base, cand] = alternate([BASE, cmd], RUNS);
  baseRss = Math.max(baseRss ?? 0, base.rssMiB ?? 0) || null;
  const ratio = cand.ms / base.ms;
  const verdict = cmd.target === null ? '—' : ratio <= cmd.target ? 'PASS' : 'FAIL';
  startupRows.push([`\`${cmd.name}\``, f1(cand.ms), f1(base.ms), `${f2(ratio)}×`, cmd.target === null ? '—' : `≤ ${cmd.target}×`, verdict, f1(cand.rssMiB)]);
}
startupRows.push(['`node -e 0` (baseline)', '—', '—', '1.00×', '—', '—', f1(baseRss)]);
const startupTable = table(['Scenario', 'median ms', 'baseline ms (same run)', 'ratio', 'target', 'verdict', 'peak RSS MiB'], startupRows);
console.log(startupTable);

// ---- B. throughput on a big log ----
console.log('\nB. throughput');
const t0 = Date.now();
const expected = ensureLog();
const sizeMiB = expected.bytes / MIB;
console.log(`  ${LOG}: ${f1(sizeMiB)} MiB, ${expected.blocks} error blocks, ${expected.reused ? 'reused' : `generated in ${f1((Date.now() - t0) / 1000)} s`}`);
const BIG = [
  { name: 'bare node read', args: ['-e', "const s=require('fs').createReadStream(process.argv[1],{highWaterMark:1<<20});s.on('data',()=>{});", LOG] },
  { name: 'grep -c -E', file: 'grep', args: ['-c', '-E', CODES.join('|'), LOG], env: { LC_ALL: 'C' } },
  { name: 'errlookup --json --file', args: [CLI, '--json', '--file', LOG] },
];
const [bare, grep, errl] = alternate(BIG, BIG_RUNS);
const mibs = (r) => sizeMiB / (r.ms / 1000);
const rssVerdict = errl.rssMiB === null ? 'n/a' : errl.rssMiB < RSS_TARGET_MIB ? 'PASS' : 'FAIL';
const bigRows = [
  ['bare node read (createReadStream, 1 MiB chunks)', f1(bare.ms), f1(mibs(bare)), f2(bare.ms / bare.ms), f1(bare.rssMiB)],
  [`\`LC_ALL=C grep -c -E '${CODES.join('|')}'\` (${grep.last.stdout.trim()} lines)`, f1(grep.ms), f1(mibs(grep)), f2(grep.ms / bare.ms), f1(grep.rssMiB)],
  ['`errlookup --json --file big.log`', f1(errl.ms), f1(mibs(errl)), f2(errl.ms / bare.ms), `${f1(errl.rssMiB)} (target < ${RSS_TARGET_MIB}: ${rssVerdict})`],
];
const bigTable = table(['Command', 'median ms', 'MiB/s', 'time vs bare read', 'peak RSS MiB'], bigRows);
const ratioLine = `errlookup / grep: **${f2(errl.ms / grep.ms)}×** the time; errlookup / bare node read: **${f2(errl.ms / bare.ms)}×** the time.`;
console.log(bigTable);
console.log(ratioLine);

// ---- count check ----
let jsonNote = '';
let report = null;
try {
  report = JSON.parse(errl.last.stdout);
} catch (e) {
  // Newlines written as \u000a escapes outside strings make the document invalid; undo that to still check the counts.
  jsonNote = `**errlookup's --json output is not valid JSON** (${e.message}); counts were read after turning \`\\u000a\` escapes back into newlines.`;
  try {
    report = JSON.parse(errl.last.stdout.replace(/(?<!\\)\\u000a/g, '\n'));
  } catch (e2) {
    jsonNote = `**errlookup's --json output could not be parsed** (${e2.message}).`;
  }
}
const got = {};
for (const f of report?.findings ?? []) {
  const key = `${f.input.provider}|${f.input.code}`;
  got[key] = (got[key] ?? 0) + f.count;
}
const keys = [...new Set([...Object.keys(expected.counts), ...Object.keys(got)])].sort();
const countRows = keys.map((k) => {
  const [provider, code] = k.split('|');
  const want = expected.counts[k] ?? 0;
  const have = got[k] ?? 0;
  return [provider, code, String(want), String(have), want === have ? 'PASS' : want === 0 ? 'FAIL (unexpected finding)' : 'FAIL'];
});
const exact = report !== null && countRows.every((r) => r[4] === 'PASS');
const countTable = table(['provider', 'code', 'expected', 'errlookup', 'result'], countRows);
const totalLine = `Error blocks written: ${expected.blocks}; occurrences errlookup reported: ${Object.values(got).reduce((a, b) => a + b, 0)}.`;
console.log(`\nCount check\n${countTable}\n${totalLine}${jsonNote ? `\n${jsonNote}` : ''}\ncounts exact: ${exact ? 'yes' : 'no'}`);
if (problems.length) console.log(`\nProblems:\n${problems.map((p) => `- ${p}`).join('\n')}`);

// ---- BENCHMARKS.md ----
const cpus = os.cpus();
const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus[0]?.model ?? 'unknown').trim();
const reproduce = `BENCH_LOG_MB=${expected.mb} BENCH_RUNS=${RUNS} BENCH_BIG_RUNS=${BIG_RUNS} npm run bench`;
const md = `# Benchmarks

Generated by \`scripts/bench.mjs\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.

- Node ${process.version} on ${os.platform()} ${os.release()}
- CPU: ${cpuModel} (${cpus.length} logical CPUs)
- Peak RSS measured with ${RSS_METHOD}
- Children run without ${STRIPPED.length === 0 ? '(nothing stripped: BENCH_KEEP_NODE_ENV=1)' : ''}${STRIPPED.map((k) => `\`${k}\``).join(' and ')}${STRIPPED.filter((k) => process.env[k] !== undefined).length ? ` (set here: ${STRIPPED.filter((k) => process.env[k] !== undefined).join(', ')})` : ''}

Method: every figure is the median of alternating runs (baseline, candidate, baseline, candidate, …),
after one unmeasured warm-up run of each command; ratios are taken against the baseline measured in
the same alternation, so run-to-run machine noise affects both sides. Wall time is measured around
\`spawnSync\` with \`process.hrtime.bigint()\`. Peak RSS is the largest over the measured runs.

## A. Start-up (${RUNS} alternating runs each, baseline \`node -e 0\`)

${startupTable}

## B. Throughput on a ${f1(sizeMiB)} MiB generated log (${BIG_RUNS} alternating runs each)

The log (\`scripts/gen-log.mjs\`, seed ${expected.seed}, ${expected.lines} lines) mixes AzCopy INFO/progress lines and
UPLOADFAILED blocks, curl -i transcripts with XML error bodies from S3, Tencent COS and Azure, and
filler lines; it holds ${expected.blocks} error blocks.

${bigTable}

${ratioLine}

## Count check (errlookup --json vs. what the generator wrote)

${countTable}

${totalLine}
${jsonNote ? `\n${jsonNote}\n` : ''}
**Counts exact: ${exact ? 'yes' : 'no'}**
${problems.length ? `\n## Problems seen during the run\n\n${problems.map((p) => `- ${p}`).join('\n')}\n` : ''}
## Reproduce

\`\`\`sh
${reproduce}
\`\`\`

(\`npm run bench\` builds first; the log is kept in the gitignored \`bench-out/\` and reused while its seed, size and generator version match.)

${readFileSync(new URL('bench-notes.md', import.meta.url), 'utf8')}`;
writeFileSync(`${ROOT}BENCHMARKS.md`, md);
console.log(`\nwrote ${ROOT}BENCHMARKS.md`);
