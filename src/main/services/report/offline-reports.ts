import { join } from 'node:path';

import { ControllerStore } from '../controllers/controller-store';
import { DeploymentHistory } from '../deploy/history-store';
import { RunStore } from '../run/run-store';
import { ResultsStore } from '../store/results-store';
import type { PdfPrinter } from './pdf-printer';
import { ChromiumPdfPrinter } from './pdf-printer';
import { ReportService } from './report-service';
import { deploymentControllers, VisitRecordsReader } from './visit-records';
import { VisitSheetStore } from './visit-sheets';

/** History and reports over a data folder without connections or Electron (the CLI's `report` and `history`). */
export function offlineReports(dataDir: string, tool: { name: string; version: string }, printer: PdfPrinter = new ChromiumPdfPrinter()): ReportService {
  const controllers = new ControllerStore(dataDir);
  const profiles = () => controllers.list().catch(() => []);
  const runs = new RunStore(dataDir);
  return new ReportService({
    dataDir,
    records: new VisitRecordsReader(
      new ResultsStore(join(dataDir, 'results')),
      new DeploymentHistory(dataDir),
      async (key) => (await profiles()).find((c) => c.id === key)?.name ?? null,
      () => deploymentControllers(dataDir),
    ),
    sheets: new VisitSheetStore(dataDir),
    printer,
    profile: async (key) => {
      const profile = (await profiles()).find((c) => c.id === key);
      return profile ? { name: profile.name, address: `${profile.user}@${profile.host}:${profile.port}` } : null;
    },
    rolesFor: (controller, visit) => runs.rolesFor(controller, visit),
    tool,
  });
}
