import { useTranslation } from 'react-i18next';

import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';

/** No controller yet: how to add one, and how to practise on the local lab controller. */
export function EmptyState({ onAdd, onImport }: { onAdd: () => void; onImport: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="empty-state" data-testid="controllers-empty">
      <div className="empty-card">
        <h2>{t('controllers.empty.title')}</h2>
        <p>{t('controllers.empty.body')}</p>
        <ol className="steps">
          <li>{t('controllers.empty.step1')}</li>
          <li>{t('controllers.empty.step2')}</li>
          <li>{t('controllers.empty.step3')}</li>
        </ol>
        <div className="empty-actions">
          <Button variant="primary" onClick={onAdd} icon="+">
            {t('controllers.add')}
          </Button>
          <Button onClick={onImport}>{t('controllers.importSshConfig')}</Button>
        </div>
      </div>
      <div className="empty-card empty-card-lab">
        <h2>{t('controllers.empty.labTitle')}</h2>
        <p>{t('controllers.empty.labBody')}</p>
        <ol className="steps">
          <li>
            <span>{t('controllers.empty.labStep1')}</span>
            <div className="command-line">
              <code>npm run lab:up</code>
              <CopyButton text={() => 'npm run lab:up'} />
            </div>
          </li>
          <li>{t('controllers.empty.labStep2')}</li>
          <li>{t('controllers.empty.labStep3')}</li>
        </ol>
        <p className="muted small">
          {t('controllers.empty.labStop')} <code>npm run lab:down</code>
        </p>
      </div>
    </div>
  );
}
