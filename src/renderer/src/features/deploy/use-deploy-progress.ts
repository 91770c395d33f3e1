import { useCallback, useRef, useState } from 'react';

import type { DeployProgress, DeployStepName, HealthSample, TransferProgress } from '../../../../shared/model/deploy';
import { useEvent } from '../../api/use-event';

export interface StepView {
  step: DeployStepName;
  state: DeployProgress['state'];
  message: string;
}

export interface ProgressView {
  operationId: string | null;
  steps: StepView[];
  transfer: { step: DeployStepName; progress: TransferProgress } | null;
  health: HealthSample[];
}

/**
 * The `deploy.progress` events of one operation, folded into one line per step (latest state wins), the live
 * transfer and the health timeline. `start(id)` must be called before the request so no early event is missed.
 */
export function useDeployProgress(): ProgressView & { start: (operationId: string) => void } {
  const current = useRef<string | null>(null);
  const [view, setView] = useState<ProgressView>({ operationId: null, steps: [], transfer: null, health: [] });

  useEvent('deploy.progress', (event) => {
    if (event.operationId !== current.current) return;
    setView((previous) => {
      const steps = [...previous.steps];
      const index = steps.findIndex((s) => s.step === event.step);
      const line: StepView = { step: event.step, state: event.state, message: event.message };
      // transfer ticks keep the step's own sentence; only the numbers move
      if (event.transfer && index >= 0) line.message = steps[index]?.message ?? event.message;
      if (index >= 0) steps[index] = line;
      else steps.push(line);
      let transfer = previous.transfer;
      if (event.transfer) transfer = { step: event.step, progress: event.transfer };
      else if (transfer && event.step === transfer.step && event.state !== 'running') transfer = null;
      const health = event.health ? [...previous.health, { at: event.at, status: event.health, detail: event.message }] : previous.health;
      return { ...previous, steps, transfer, health };
    });
  });

  const start = useCallback((operationId: string) => {
    current.current = operationId;
    setView({ operationId, steps: [], transfer: null, health: [] });
  }, []);

  return { ...view, start };
}
