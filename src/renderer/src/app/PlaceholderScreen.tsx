import { useTranslation } from 'react-i18next';

import { Button } from '../components/Button';
import { ConnectionChip } from '../features/controllers/ConnectionChip';
import { useControllers } from '../features/controllers/controllers-store';
import type { Screen } from './screens';
import { needsConnection } from './screens';

type PlannedScreen = Exclude<Screen, 'controllers' | 'settings'>;

/** A screen that is not built yet: what it will do, and what it needs before it can. */
export function PlaceholderScreen({ screen, onGo }: { screen: PlannedScreen; onGo: (screen: Screen) => void }) {
  const { t } = useTranslation();
  const { active, activeState } = useControllers();
  const connected = activeState?.status === 'connected';
  const items = t(`screens.${screen}.will`, { returnObjects: true });
  return (
    <div className="page" data-testid={`screen-${screen}`}>
      <header className="page-header">
        <div>
          <h1>{t(`nav.${screen}`)}</h1>
          <p className="muted">{t(`screens.${screen}.summary`)}</p>
        </div>
      </header>
      <div className="placeholder">
        <p className="placeholder-tag">
          <span aria-hidden="true">◌ </span>
          {t('screens.notYet')}
        </p>
        <h2 className="section-title">{t('screens.willDo')}</h2>
        <ul className="bullets">
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
        {needsConnection.has(screen) || screen === 'reports' ? (
          <div className={connected ? 'requirement requirement-met' : 'requirement'}>
            <h2 className="section-title">{screen === 'reports' ? t('screens.reportsNeeds') : t('screens.needsConnection')}</h2>
            {active ? (
              <p>
                {t('screens.activeIs', { name: active.name })} <ConnectionChip state={activeState} />
              </p>
            ) : (
              <p>{t('screens.noActive')}</p>
            )}
            {!connected ? (
              <Button variant="primary" onClick={() => onGo('controllers')}>
                {t('screens.goToControllers')}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}
