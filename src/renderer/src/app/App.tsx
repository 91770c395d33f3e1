import type { AppClient } from '../../../shared/rpc';
import { ApiProvider } from '../api/api-context';
import { ConnectFlowProvider } from '../features/controllers/connect-flow';
import { ControllersProvider } from '../features/controllers/controllers-store';
import { AppInfoProvider } from './app-info';
import { PreferencesProvider } from './preferences';
import { Shell } from './Shell';

export function App({ client }: { client: AppClient }) {
  return (
    <ApiProvider client={client}>
      <PreferencesProvider>
        <AppInfoProvider>
          <ControllersProvider>
            <ConnectFlowProvider>
              <Shell />
            </ConnectFlowProvider>
          </ControllersProvider>
        </AppInfoProvider>
      </PreferencesProvider>
    </ApiProvider>
  );
}
