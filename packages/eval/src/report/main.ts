/**
 * `node packages/eval/dist/report/main.js [--runs runs] [--out reports]` (Nx: `eval:report`):
 * collects every result under the runs folder and writes the cross-modality report.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectRuns } from './collect-runs.js';
import { buildReport } from './build-report.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: 'runs' }, out: { type: 'string', default: 'reports' } } });
const collected = collectRuns(resolve(values.runs!));
for (const skip of collected.skipped) process.stderr.write(`[report] skipped ${skip.file}: ${skip.reason.split('\n')[0]}\n`);
const report = await buildReport(collected, resolve(values.out!));
process.stderr.write(`[report] ${collected.runs.length} results, ${report.charts} charts -> ${report.html} and summary.md\n`);
process.stdout.write(report.markdown);
