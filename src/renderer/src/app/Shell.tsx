import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { ChecksScreen } from '../features/checks/ChecksScreen';
import { ConnectFlowDialogs } from '../features/controllers/ConnectFlowDialogs';
import { ControllersPage } from '../features/controllers/ControllersPage';
import { useConnectFlow } from '../features/controllers/connect-flow';
import { HostKeyChangedPage } from '../features/controllers/HostKeyChangedPage';
import { ReportsScreen } from '../features/reports/ReportsScreen';
import { RunScreen } from '../features/run/RunScreen';
import { DeployPage } from '../features/deploy/DeployPage';
import { LatencyScreen } from '../features/latency';
import { LogsScreen } from '../features/logs';
import { ErrorBoundary } from './ErrorBoundary';
import { NavBar } from './NavBar';
import type { Screen } from './screens';
import { SettingsScreen } from './SettingsScreen';
import { StatusBar } from './StatusBar';
import { useRoute } from './use-route';
import { useScreenShortcuts } from './use-shortcuts';

function ScreenView({ screen, onGo }: { screen: Screen; onGo: (screen: Screen) => void }) {
  switch (screen) {
    case 'controllers':
      return <ControllersPage />;
    case 'settings':
      return <SettingsScreen />;
    case 'deploy':
      return <DeployPage onGo={onGo} />;
    case 'checks':
      return <ChecksScreen onGo={onGo} />;
    case 'latency':
      return <LatencyScreen onGoToControllers={() => onGo('controllers')} />;
    case 'run':
      return <RunScreen onGo={onGo} />;
    case 'reports':
      return <ReportsScreen />;
    case 'logs':
      return <LogsScreen onOpenControllers={() => onGo('controllers')} />;
  }
}

/** Navigation on the left, the screen in the middle, the status bar always at the bottom. */
export function Shell() {
  const { t } = useTranslation();
  const [screen, go] = useRoute();
  const flow = useConnectFlow();
  const mainRef = useRef<HTMLElement>(null);
  useScreenShortcuts(go);

  useEffect(() => {
    mainRef.current?.scrollTo({ top: 0 });
    document.title = `${t(`nav.${screen}`)} · ${t('app.name')}`;
  }, [screen, t]);

  const state = flow.state;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <NavBar current={screen} onGo={go} />
      <main className="content" id="main" ref={mainRef} tabIndex={-1}>
        <ErrorBoundary resetKey={screen}>
          {state.step === 'hostKeyChanged' ? (
            <HostKeyChangedPage
              controller={state.controller}
              change={state.change}
              busy={state.busy}
              error={state.error}
              onReplace={flow.replaceHostKey}
              onBack={() => {
                flow.cancel();
                go('controllers');
              }}
            />
          ) : (
            <ScreenView screen={screen} onGo={go} />
          )}
        </ErrorBoundary>
      </main>
      <StatusBar />
      <ConnectFlowDialogs />
    </div>
  );
}
