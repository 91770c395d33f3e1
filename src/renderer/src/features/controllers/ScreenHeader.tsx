import type { ReactNode } from 'react';

import { ConnectionChip } from './ConnectionChip';
import { useControllers } from './controllers-store';

/** A working screen's header: its title and purpose, and which controller it acts on, with its live state. */
export function ScreenHeader({ title, subtitle, children }: { title: string; subtitle: string; children?: ReactNode }) {
  const { active, activeState } = useControllers();
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        <p className="muted">{subtitle}</p>
      </div>
      {active || children ? (
        <div className="page-header-facts">
          {active ? (
            <p>
              <strong>{active.name}</strong> <ConnectionChip state={activeState} />
            </p>
          ) : null}
          {children}
        </div>
      ) : null}
    </header>
  );
}
