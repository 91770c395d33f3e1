import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';

export interface ConfirmAction {
  label: string;
  variant?: 'primary' | 'danger';
  onConfirm: () => void;
  testId?: string;
}

/** "What will happen to the robot" before anything that stops a service or replaces a container. */
export function ConfirmDialog({ open, title, children, actions, onCancel }: { open: boolean; title: string; children: ReactNode; actions: ConfirmAction[]; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onCancel}
      kind="alert"
      testId="deploy-confirm"
      footer={
        <>
          <Button onClick={onCancel} data-autofocus>
            {t('deploy.cancel')}
          </Button>
          {actions.map((action) => (
            <Button key={action.label} variant={action.variant ?? 'primary'} onClick={action.onConfirm} data-testid={action.testId}>
              {action.label}
            </Button>
          ))}
        </>
      }
    >
      {children}
    </Dialog>
  );
}
