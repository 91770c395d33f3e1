import type { Command } from 'commander';

import pkg from '../../../../package.json' with { type: 'json' };
import { AppError } from '../../../shared/errors';
import type { ReportFormat, ReportLanguage, VerifyResult } from '../../../shared/model/report';
import { reportFormats, reportLanguages } from '../../../shared/model/report';
import { defaultDataDir } from '../../platform/data-dir';
import { offlineReports } from '../../services/report/offline-reports';
import { exitCodes, printJson } from '../output';

type Run = (action: () => Promise<number>, json: boolean) => Promise<void>;

interface ReportFlags {
  controller?: string;
  format?: string;
  out?: string;
  lang?: string;
  json?: boolean;
}

const marks: Record<'ok' | 'bad', string> = { ok: '✓', bad: '✕' };

function printVerify(result: VerifyResult): void {
  const head =
    result.status === 'intact'
      ? `INTACT: ${result.path} is unchanged.`
      : result.status === 'tampered'
        ? `TAMPERED: ${result.path} was changed after it was made.`
        : `CANNOT VERIFY: ${result.path}`;
  const lines = [head];
  if (result.controller) lines.push(`  Report of ${result.controller}, visit ${result.visit ?? '?'}, made ${result.generatedAt ?? '?'}`);
  if (result.sha256) lines.push(`  SHA-256 of the report data: ${result.sha256}`);
  for (const check of result.checks) lines.push(`  ${check.ok ? marks.ok : marks.bad} ${check.detail}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `mxrc-commission report VISIT_ID|latest --controller NAME --format pdf|html|json --out FILE [--lang en|ko]` makes a
 * commissioning report from the results stored on this laptop (no connection needed);
 * `mxrc-commission report verify FILE` checks a JSON or HTML report: exit 0 intact, 1 tampered, 2 error.
 */
export function registerReport(program: Command, run: Run): void {
  program
    .command('report')
    .argument('<visit>', 'VISIT_ID (e.g. 2026-11-26) or latest; or the word verify')
    .argument('[file]', 'with verify: the report file to check')
    .usage('VISIT_ID|latest --controller NAME --format pdf|html|json --out FILE [--lang en|ko]\n       mxrc-commission report verify FILE')
    .description('make a commissioning report (PDF, HTML, JSON) of a stored visit, or verify a report file')
    .option('--controller <name>', 'controller the visit belongs to: --name of the CLI runs (default HOST:PORT) or the app profile name')
    .option('--format <format>', 'pdf, html or json')
    .option('--out <file>', 'where to write the report')
    .option('--lang <lang>', 'report language: en or ko', 'en')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExit codes: report — 0 written, 2 usage or error; verify — 0 intact, 1 tampered, 2 error (unreadable, not a report, a PDF).')
    .action(async (visit: string, file: string | undefined, flags: ReportFlags) => {
      const globals = program.opts<{ dataDir?: string }>();
      const dataDir = globals.dataDir ?? defaultDataDir();
      const json = flags.json === true;
      const reports = offlineReports(dataDir, { name: pkg.name, version: pkg.version });
      await run(async () => {
        if (visit === 'verify') {
          if (!file) throw new AppError('INVALID_INPUT', 'Give the report file to check: mxrc-commission report verify FILE');
          const result = await reports.verify(file);
          if (json) printJson(result);
          else printVerify(result);
          return result.status === 'intact' ? exitCodes.ok : result.status === 'tampered' ? exitCodes.failed : exitCodes.error;
        }
        if (file !== undefined) throw new AppError('INVALID_INPUT', `Unexpected argument "${file}".`, 'mxrc-commission report VISIT_ID|latest --controller NAME --format pdf|html|json --out FILE [--lang en|ko]');
        if (!flags.controller) throw new AppError('INVALID_INPUT', 'Name the controller with --controller NAME.', 'mxrc-commission history lists the stored controllers and visits.');
        if (!flags.format || !(reportFormats as readonly string[]).includes(flags.format)) throw new AppError('INVALID_INPUT', `--format must be pdf, html or json${flags.format ? `, not "${flags.format}"` : ''}.`);
        if (!flags.out) throw new AppError('INVALID_INPUT', 'Say where to write the report with --out FILE.');
        const language = flags.lang ?? 'en';
        if (!(reportLanguages as readonly string[]).includes(language)) throw new AppError('INVALID_INPUT', `--lang must be en or ko, not "${language}".`);
        const controller = await reports.resolveController(flags.controller);
        const made = await reports.export(controller.key, visit, { format: flags.format as ReportFormat, language: language as ReportLanguage, out: flags.out });
        if (json) printJson(made);
        else process.stdout.write(`Wrote the ${made.format.toUpperCase()} report of visit ${made.visit} of ${controller.name} to ${made.path} (${made.bytes} bytes).\nSHA-256 of its data: ${made.sha256}\n`);
        return exitCodes.ok;
      }, json);
    });
}
