import { useAppInfo } from '../../app/app-info';
import { useConnectFlow } from './connect-flow';
import { HostKeyDialog } from './HostKeyDialog';
import { SecretPrompt } from './SecretPrompt';

/** The modal parts of the connect flow; the changed-key stop page and errors are shown in the page itself. */
export function ConnectFlowDialogs() {
  const flow = useConnectFlow();
  const info = useAppInfo();
  const { state } = flow;
  if (state.step === 'secret') {
    return (
      <SecretPrompt
        key={`${state.controller.id}-${state.request.kind}-${state.request.role}-${String(state.rejected)}`}
        controller={state.controller}
        request={state.request}
        rejected={state.rejected}
        canRemember={info?.canStoreSecrets === true}
        onSubmit={flow.submitSecret}
        onCancel={flow.cancel}
      />
    );
  }
  if (state.step === 'hostKeyUnknown') {
    return <HostKeyDialog controller={state.controller} info={state.info} busy={state.busy} error={state.error} onTrust={flow.trustHostKey} onCancel={flow.cancel} />;
  }
  return null;
}
