import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ReportFormat, ReportLanguage } from '../../../../shared/model/report';
import type { RunState, RunStep } from '../../../../shared/model/run';
import { runStepScreens } from '../../../../shared/model/run';
import type { Screen } from '../../app/screens';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { ReasonDialog } from './ReasonDialog';
import { stepLook, stepSummary, stepTone } from './run-format';
import type { RunHook } from './use-run';
import { StepChecks } from './StepChecks';
import { StepLatency } from './StepLatency';
import { StepReport } from './StepReport';

interface StepPanelProps {
  state: RunState;
  step: RunStep;
  connected: boolean;
  rtUnit: string;
  run: RunHook;
  onGo: (screen: Screen) => void;
}

/** The selected step: what to do, its result, the work it can start here, and repeat / accept / skip. */
export function StepPanel({ state, step, connected, rtUnit, run, onGo }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [asking, setAsking] = useState<'accept' | 'skip' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const id = state.controllerId;
  const isCurrent = state.current === step.id;
  const screen = runStepScreens[step.id];
  const title = t(`run.steps.${step.id}.title`);

  const act = async (name: string, action: () => Promise<RunState>) => {
    setBusy(name);
    await run.act(action);
    setBusy(null);
  };

  const open = screen ? (
    <Button variant={step.id === 'services' || step.id === 'webapi' || (step.id === 'connect' && !connected) ? 'primary' : 'secondary'} onClick={() => onGo(screen)} data-testid="run-open-screen">
      {t(`run.open.${screen}`)}
    </Button>
  ) : null;

  return (
    <section className="card run-panel" aria-labelledby="run-panel-title" data-testid="run-panel" data-step={step.id} data-state={step.state}>
      <header className="run-panel-header">
        <h2 id="run-panel-title">{title}</h2>
        <StatusChip tone={stepTone[stepLook(step)]} testId="run-panel-state">
          {t(`run.state.${stepLook(step)}`)}
        </StatusChip>
      </header>
      <p>{t(`run.steps.${step.id}.what`)}</p>
      {step.facts || step.state === 'skipped' ? (
        <p className="run-result" data-testid="run-step-result">
          <strong>{t('run.result')}</strong> {stepSummary(step, t)}
          {step.completedAt ? <span className="muted small"> · {formatDateTime(step.completedAt, i18n.language)}</span> : null}
        </p>
      ) : null}
      {step.note && step.state === 'done' ? <p className="notice small">{t('run.acceptedBecause', { note: step.note })}</p> : null}
      {step.state === 'attention' ? <p className="notice run-attention">{t(`run.steps.${step.id}.attention`)}</p> : null}

      {isCurrent ? (
        <div className="run-work">
          {step.id === 'connect' && !connected ? <p>{t('run.connectFirst')}</p> : null}
          {step.id === 'checks' ? <StepChecks controllerId={id} connected={connected} /> : null}
          {step.id === 'baseline' || step.id === 'latencyAfter' ? <StepLatency controllerId={id} connected={connected} baseline={step.id === 'baseline'} rtUnit={rtUnit} /> : null}
          {step.id === 'probe' ? (
            <Button variant="primary" onClick={() => void act('probe', () => api.run.probe(id, {}))} disabled={!connected} busy={busy === 'probe'} data-testid="run-probe-start">
              {t('run.probe.start')}
            </Button>
          ) : null}
          {step.id === 'report' ? <StepReport state={state} busy={busy === 'report'} onCreate={(format: ReportFormat, language: ReportLanguage) => void act('report', () => api.run.report(id, { format, language }))} /> : null}
          {step.id === 'comparison' && !step.facts ? <p className="muted">{t('run.comparison.needs')}</p> : null}
        </div>
      ) : null}
      {step.id === 'report' && !isCurrent && state.report ? <StepReport state={state} busy={busy === 'report'} onCreate={(format, language) => void act('report', () => api.run.report(id, { format, language }))} /> : null}

      <div className="run-actions" role="group" aria-label={t('run.stepActions')}>
        {open}
        {step.state === 'attention' ? (
          <Button onClick={() => setAsking('accept')} data-testid="run-accept">
            {t('run.accept')}
          </Button>
        ) : null}
        {step.state === 'done' || step.state === 'skipped' || step.state === 'attention' ? (
          <Button onClick={() => void act('repeat', () => api.run.repeat(id, step.id))} busy={busy === 'repeat'} data-testid="run-repeat">
            {t('run.repeat')}
          </Button>
        ) : null}
        {step.state !== 'done' && step.state !== 'skipped' ? (
          <Button variant="ghost" onClick={() => setAsking('skip')} data-testid="run-skip">
            {t('run.skip')}
          </Button>
        ) : null}
      </div>
      {asking ? (
        <ReasonDialog
          kind={asking}
          step={title}
          busy={busy === asking}
          onCancel={() => setAsking(null)}
          onConfirm={(reason) =>
            void act(asking, () => (asking === 'accept' ? api.run.accept(id, step.id, reason) : api.run.skip(id, step.id, reason))).then(() => setAsking(null))
          }
        />
      ) : null}
    </section>
  );
}
