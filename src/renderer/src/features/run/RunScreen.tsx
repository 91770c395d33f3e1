import './run.css';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { RunStepId } from '../../../../shared/model/run';
import type { Screen } from '../../app/screens';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { ScreenHeader } from '../controllers/ScreenHeader';
import { useControllers } from '../controllers/controllers-store';
import { RunStepper } from './RunStepper';
import { StepPanel } from './StepPanel';
import { useRun } from './use-run';

/**
 * The commissioning run: the seed's acceptance protocol as a stepper on the left and the selected step on the
 * right. The run lives in the data folder, so it resumes after a restart exactly where it was.
 */
export function RunScreen({ onGo }: { onGo: (screen: Screen) => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { active, activeState } = useControllers();
  const connected = activeState?.status === 'connected';
  const run = useRun(active?.id ?? null);
  const state = run.state;
  // A step picked to look at; forgotten when the run moves on (then the current step is shown again).
  const [picked, setPicked] = useState<{ at: string; step: RunStepId } | null>(null);
  const position = state ? `${state.startedAt}|${state.current ?? ''}` : '';
  const selected = picked?.at === position ? picked.step : null;
  const setSelected = (step: RunStepId) => setPicked({ at: position, step });
  const [form, setForm] = useState({ site: '', customer: '', technician: '' });
  const [restarting, setRestarting] = useState(false);
  const [starting, setStarting] = useState(false);

  if (!active) {
    return (
      <div className="page" data-testid="screen-run">
        <header className="page-header">
          <div>
            <h1>{t('run.title')}</h1>
            <p className="muted">{t('run.subtitle')}</p>
          </div>
        </header>
        <div className="requirement" data-testid="run-needs-controller">
          <p>{t('run.noController')}</p>
          <Button variant="primary" onClick={() => onGo('controllers')}>
            {t('run.goToControllers')}
          </Button>
        </div>
      </div>
    );
  }

  const start = async (restart: boolean) => {
    setStarting(true);
    await run.act(() => api.run.start(active.id, { ...form, restart }));
    setStarting(false);
    setRestarting(false);
  };

  const step = state ? (state.steps.find((s) => s.id === (selected ?? state.current ?? 'report')) ?? state.steps[0]) : undefined;
  const doneCount = state ? state.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length : 0;

  return (
    <div className="page run-page" data-testid="screen-run">
      <ScreenHeader title={t('run.title')} subtitle={t('run.subtitle')}>
        {state ? (
          <p className="small muted" data-testid="run-info">
            {t('run.info', { visit: state.visit, started: formatDateTime(state.startedAt, i18n.language), done: doneCount, total: state.steps.length })}
          </p>
        ) : null}
      </ScreenHeader>

      {run.error ? <ErrorPanel error={run.error} onDismiss={run.clearError} context={{ controller: active.id, action: 'run' }} /> : null}

      {!state && !run.loading ? (
        <section className="card run-start" data-testid="run-start">
          <h2 className="section-title">{t('run.start.title', { name: active.name })}</h2>
          <p>{t('run.start.what')}</p>
          <div className="form-grid run-start-grid">
            {(['site', 'customer', 'technician'] as const).map((key) => (
              <Field key={key} label={t(`run.start.${key}`)}>
                {(control) => <input {...control} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} data-testid={`run-start-${key}`} />}
              </Field>
            ))}
          </div>
          <Button variant="primary" onClick={() => void start(false)} busy={starting} data-testid="run-start-button">
            {t('run.start.button')}
          </Button>
        </section>
      ) : null}

      {state && step ? (
        <>
          {state.status === 'finished' ? (
            <div className="notice run-finished" data-testid="run-finished">
              <StatusChip tone="pass">{t('run.finished')}</StatusChip> {t('run.finishedWhat')}
              <Button size="small" onClick={() => onGo('reports')}>
                {t('run.open.reports')}
              </Button>
            </div>
          ) : null}
          <div className="run-body">
            <RunStepper state={state} selected={step.id} onSelect={setSelected} />
            <StepPanel state={state} step={step} connected={connected} rtUnit={active.rtUnit} run={run} onGo={onGo} />
          </div>
          <p className="run-restart">
            <Button variant="ghost" size="small" onClick={() => setRestarting(true)} data-testid="run-restart">
              {t('run.restart.button')}
            </Button>
          </p>
        </>
      ) : null}

      {restarting ? (
        <Dialog
          open
          kind="alert"
          title={t('run.restart.title')}
          onClose={() => setRestarting(false)}
          footer={
            <>
              <Button onClick={() => setRestarting(false)}>{t('common.cancel')}</Button>
              <Button variant="danger" onClick={() => void start(true)} busy={starting} data-testid="run-restart-confirm">
                {t('run.restart.confirm')}
              </Button>
            </>
          }
        >
          <p>{t('run.restart.what')}</p>
        </Dialog>
      ) : null}
    </div>
  );
}
