import './deploy.css';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Screen } from '../../app/screens';
import { Button } from '../../components/Button';
import { ScreenHeader } from '../controllers/ScreenHeader';
import { useControllers } from '../controllers/controllers-store';
import { HistoryPanel } from './HistoryPanel';
import { ServicesPanel } from './ServicesPanel';
import { WebapiPanel } from './WebapiPanel';

const tabs = ['webapi', 'services', 'history'] as const;
type Tab = (typeof tabs)[number];

/** The Deploy screen: WebAPI container, native services, history — for the active, connected controller. */
export function DeployPage({ onGo }: { onGo: (screen: Screen) => void }) {
  const { t } = useTranslation();
  const { active, activeState } = useControllers();
  const [tab, setTab] = useState<Tab>('webapi');
  // a panel is mounted on its first visit and then kept, so a running deployment keeps its progress
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(new Set(['webapi']));
  const [generation, setGeneration] = useState(0);
  const connected = activeState?.status === 'connected';
  const changed = () => setGeneration((g) => g + 1);

  return (
    <div className="page" data-testid="screen-deploy">
      <ScreenHeader title={t('deploy.title')} subtitle={t('deploy.subtitle')} />
      {!active || !connected ? (
        <div className="requirement">
          <h2 className="section-title">{t('deploy.needsConnection')}</h2>
          {!active ? <p>{t('deploy.noActive')}</p> : null}
          <Button variant="primary" onClick={() => onGo('controllers')}>
            {t('deploy.goToControllers')}
          </Button>
        </div>
      ) : (
        <>
          <div className="deploy-tabs" role="tablist" aria-label={t('deploy.tabs.label')}>
            {tabs.map((name) => (
              <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'deploy-tab deploy-tab-current' : 'deploy-tab'} onClick={() => {
                  setTab(name);
                  setVisited((v) => new Set(v).add(name));
                }} data-testid={`deploy-tab-${name}`}>
                {t(`deploy.tabs.${name}`)}
              </button>
            ))}
          </div>
          <div role="tabpanel" hidden={tab !== 'webapi'}>
            <WebapiPanel key={active.id} controller={active} onChanged={changed} />
          </div>
          <div role="tabpanel" hidden={tab !== 'services'}>
            {visited.has('services') ? <ServicesPanel key={active.id} controller={active} onChanged={changed} /> : null}
          </div>
          <div role="tabpanel" hidden={tab !== 'history'}>
            {tab === 'history' ? <HistoryPanel controllerId={active.id} generation={generation} /> : null}
          </div>
        </>
      )}
    </div>
  );
}
