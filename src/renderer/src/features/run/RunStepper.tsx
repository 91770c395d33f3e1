import { useTranslation } from 'react-i18next';

import type { RunState, RunStepId } from '../../../../shared/model/run';
import { stepLook, stepSummary, stepSymbol } from './run-format';

/** The protocol as a vertical list: number, state (shape and word), title and the one-line result. */
export function RunStepper({ state, selected, onSelect }: { state: RunState; selected: RunStepId; onSelect: (id: RunStepId) => void }) {
  const { t } = useTranslation();
  return (
    <ol className="run-stepper" aria-label={t('run.stepsLabel')} data-testid="run-stepper">
      {state.steps.map((step, index) => (
        <li key={step.id} className={`run-step run-step-${stepLook(step)}${selected === step.id ? ' run-step-selected' : ''}`} data-step={step.id} data-state={step.state}>
          <button type="button" onClick={() => onSelect(step.id)} aria-current={state.current === step.id ? 'step' : undefined}>
            <span className="run-step-symbol" aria-hidden="true">
              {stepSymbol[stepLook(step)]}
            </span>
            <span className="run-step-text">
              <span className="run-step-title">
                {index + 1}. {t(`run.steps.${step.id}.title`)}
              </span>
              <span className="run-step-state">{t(`run.state.${stepLook(step)}`)}</span>
              {stepSummary(step, t) ? <span className="run-step-summary">{stepSummary(step, t)}</span> : null}
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}
