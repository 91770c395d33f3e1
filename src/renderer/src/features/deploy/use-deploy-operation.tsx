import type { RefObject } from 'react';
import { useRef, useState } from 'react';

import type { DeploymentRecord } from '../../../../shared/model/deploy';
import { useApi } from '../../api/api-context';
import { useBusyAction } from '../../api/use-request';
import { DeployProgressView, DeployResultView } from './DeployProgressView';
import type { ProgressView } from './use-deploy-progress';
import { useDeployProgress } from './use-deploy-progress';
import { newOperationId } from './deploy-format';

/**
 * What both deploy panels share: one action at a time (`busy`), its error, the last deployment record, and the
 * live progress of an operation, scrolled into view where the eye is when it starts.
 */
export function useDeployOperation<K extends string>() {
  const progress = useDeployProgress();
  const progressRef = useRef<HTMLDivElement>(null);
  const { busy, error, setError, act } = useBusyAction<K>();
  const [record, setRecord] = useState<DeploymentRecord | null>(null);

  const startProgress = (): string => {
    const operationId = newOperationId();
    progress.start(operationId);
    requestAnimationFrame(() => progressRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
    return operationId;
  };

  return { progress, progressRef, busy, error, setError, record, setRecord, act, startProgress };
}

/** The live steps of the running operation, then its result. */
export function OperationOutcome({ progress, progressRef, running, record }: { progress: ProgressView; progressRef: RefObject<HTMLDivElement | null>; running: boolean; record: DeploymentRecord | null }) {
  const api = useApi();
  return (
    <div ref={progressRef} className="deploy-anchor">
      <DeployProgressView progress={progress} running={running} onCancel={progress.operationId ? () => void api.deploy.cancel(progress.operationId ?? '') : undefined} />
      {record && !running ? <DeployResultView record={record} /> : null}
    </div>
  );
}
