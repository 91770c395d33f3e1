import type { Command } from 'commander';

import pkg from '../../../../package.json' with { type: 'json' };
import type { HistoryController, VisitOverview } from '../../../shared/model/report';
import type { ResultKind } from '../../../shared/model/results';
import { resultKinds } from '../../../shared/model/results';
import { defaultDataDir } from '../../platform/data-dir';
import { offlineReports } from '../../services/report/offline-reports';
import { VisitRecordsReader } from '../../services/report/visit-records';
import { exitCodes, printJson } from '../output';

type Run = (action: () => Promise<number>, json: boolean) => Promise<void>;

const symbols: Record<string, string> = { pass: '✓', warn: '!', fail: '✕', error: '?', info: 'i' };
const labels: Record<ResultKind, [string, string]> = {
  'check-run': ['check run', 'check runs'],
  'latency-run': ['latency run', 'latency runs'],
  deployment: ['deployment', 'deployments'],
  log: ['log', 'logs'],
  probe: ['probe', 'probes'],
};

/** "2026-11-26 14:05" in the laptop's time zone, like the visit ids (local days). */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '?'.padEnd(16);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function visitLine(v: VisitOverview): string {
  const parts = resultKinds
    .filter((kind) => (v.counts[kind] ?? 0) > 0)
    .map((kind) => {
      const n = v.counts[kind] ?? 0;
      const verdict = v.verdicts[kind];
      return `${n} ${labels[kind][n === 1 ? 0 : 1]}${verdict ? ` (last ${symbols[verdict] ?? ''} ${verdict})` : ''}`;
    });
  const span = `${localTime(v.firstAt)} → ${localTime(v.lastAt).slice(11)}`;
  return `  ${v.visit.padEnd(12)} ${span}  ${parts.join(', ')}`;
}

/** `mxrc-commission history [--controller NAME] [--json]`: controllers and visits stored on this laptop, offline. */
export function registerHistory(program: Command, run: Run): void {
  program
    .command('history')
    .usage('[--controller NAME] [--json]')
    .description('list the controllers and visits whose results are stored on this laptop')
    .option('--controller <name>', 'only this controller (--name of the CLI runs, default HOST:PORT, or the app profile name)')
    .option('--json', 'print one JSON object')
    .action(async (flags: { controller?: string; json?: boolean }) => {
      const globals = program.opts<{ dataDir?: string }>();
      const dataDir = globals.dataDir ?? defaultDataDir();
      const json = flags.json === true;
      await run(async () => {
        const reports = offlineReports(dataDir, { name: pkg.name, version: pkg.version });
        const controllers: HistoryController[] = flags.controller ? [await reports.resolveController(flags.controller)] : await reports.controllers();
        const withVisits = await Promise.all(controllers.map(async (c) => ({ controller: c, visits: await reports.visits(c.key) })));
        if (json) {
          printJson({
            dataDir,
            controllers: withVisits.map(({ controller, visits }) => ({
              ...controller,
              visits: visits.map((v) => ({ visit: v.visit, firstAt: v.firstAt, lastAt: v.lastAt, counts: v.counts, verdicts: v.verdicts, verdict: VisitRecordsReader.worst(v) ?? null })),
            })),
          });
          return exitCodes.ok;
        }
        if (withVisits.length === 0) {
          process.stdout.write(`No results are stored in ${dataDir} yet.\n`);
          return exitCodes.ok;
        }
        const out: string[] = [];
        for (const { controller, visits } of withVisits) {
          out.push(`${controller.name}${controller.isProfile ? ` [${controller.key}]` : ''} — ${visits.length} visit${visits.length === 1 ? '' : 's'}`);
          for (const v of visits) out.push(visitLine(v));
        }
        out.push('', 'Report of a visit: mxrc-commission report VISIT_ID|latest --controller NAME --format pdf|html|json --out FILE');
        process.stdout.write(`${out.join('\n')}\n`);
        return exitCodes.ok;
      }, json);
    });
}
