import './logs.css';

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppError } from '../../../../shared/errors';
import type { ControllerProfile } from '../../../../shared/model/controller';
import type { LogStreamInfo, TerminalInfo } from '../../../../shared/model/logs';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { useEvent } from '../../api/use-event';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ConnectionChip } from '../controllers/ConnectionChip';
import { useControllers } from '../controllers/controllers-store';
import type { PresetKey } from './log-presets';
import { defaultBacklog, presetKeys, presetSource, readScrollback, scrollbackChoices, writeScrollback } from './log-presets';
import { LogPane } from './LogPane';
import { ShellPane } from './ShellPane';

type Tab = { kind: 'shell'; info: TerminalInfo } | { kind: 'log'; info: LogStreamInfo };

const tabKey = (tab: Tab): string => tab.info.id;

/**
 * The Logs screen: tabs of shells and followed logs for the active controller. Tabs belong to the Node side
 * (streams keep their place across a screen change, a reload or a dropped link); this screen only shows them.
 */
export function LogsScreen({ onOpenControllers }: { onOpenControllers?: () => void }) {
  const { t } = useTranslation();
  const { active, activeState } = useControllers();
  if (!active) {
    return (
      <div className="page logs-page" data-testid="logs-screen">
        <header className="page-header">
          <div>
            <h1>{t('logs.title')}</h1>
            <p className="muted">{t('logs.summary')}</p>
          </div>
        </header>
        <div className="logs-empty card">
          <p>{t('logs.noController')}</p>
          {onOpenControllers ? (
            <Button variant="primary" onClick={onOpenControllers}>
              {t('logs.goToControllers')}
            </Button>
          ) : null}
        </div>
      </div>
    );
  }
  return <LogsWorkspace key={active.id} controller={active} connected={activeState?.status === 'connected'} onOpenControllers={onOpenControllers} />;
}

function LogsWorkspace({ controller, connected, onOpenControllers }: { controller: ControllerProfile; connected: boolean; onOpenControllers: (() => void) | undefined }) {
  const { t } = useTranslation();
  const api = useApi();
  const { activeState } = useControllers();
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [current, setCurrent] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [units, setUnits] = useState<string[]>([]);
  const [scrollback, setScrollback] = useState(readScrollback);

  // Streams and shells already open for this controller (a screen change or a reload re-attaches to them).
  useEffect(() => {
    let alive = true;
    void Promise.all([api.terminal.list(controller.id), api.logs.list(controller.id)]).then(
      ([shells, streams]) => {
        if (!alive) return;
        const found = [...shells.map((info): Tab => ({ kind: 'shell', info })), ...streams.map((info): Tab => ({ kind: 'log', info }))].sort((a, b) => a.info.openedAt.localeCompare(b.info.openedAt));
        setTabs(found);
        const last = found[found.length - 1];
        setCurrent((c) => c ?? (last ? tabKey(last) : null));
      },
      (e: unknown) => alive && setError(toAppError(e)),
    );
    return () => {
      alive = false;
    };
  }, [api, controller.id]);

  useEffect(() => {
    if (!connected) return undefined;
    let alive = true;
    void api.logs.units(controller.id).then(
      (list) => alive && setUnits(list),
      () => undefined, // suggestions only; typing a unit works without them
    );
    return () => {
      alive = false;
    };
  }, [api, controller.id, connected]);

  // A tab closed elsewhere (another window, the CLI sharing this server) disappears here too.
  useEvent('logs.state', (info) => {
    if (info.state === 'closed') setTabs((list) => list.filter((tab) => tab.info.id !== info.id));
  });
  useEvent('terminal.state', (info) => {
    if (info.state === 'closed') setTabs((list) => list.filter((tab) => tab.info.id !== info.id));
  });

  const add = useCallback((tab: Tab) => {
    setTabs((list) => [...list.filter((existing) => existing.info.id !== tab.info.id), tab]);
    setCurrent(tab.info.id);
  }, []);

  const openShell = async (): Promise<void> => {
    setOpening('shell');
    setError(null);
    try {
      // The real size follows as soon as the pane is fitted.
      add({ kind: 'shell', info: await api.terminal.open(controller.id, { cols: 120, rows: 32 }) });
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setOpening(null);
    }
  };

  const openPreset = async (key: PresetKey): Promise<void> => {
    setOpening(key);
    setError(null);
    try {
      const preset = presetSource(key, controller.rtUnit);
      add({ kind: 'log', info: await api.logs.open(controller.id, { name: preset.name, source: preset.source, scrollback, backlog: defaultBacklog }) });
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setOpening(null);
    }
  };

  const close = async (tab: Tab): Promise<void> => {
    const index = tabs.findIndex((x) => x.info.id === tab.info.id);
    const rest = tabs.filter((x) => x.info.id !== tab.info.id);
    setTabs(rest);
    if (current === tab.info.id) {
      const neighbour = rest[Math.min(index, rest.length - 1)];
      setCurrent(neighbour ? tabKey(neighbour) : null);
    }
    await (tab.kind === 'shell' ? api.terminal.close(tab.info.id) : api.logs.close(tab.info.id)).catch(() => undefined);
  };

  const replace = (oldId: string, next: LogStreamInfo): void => {
    setTabs((list) => (list.some((tab) => tab.info.id === oldId) ? list.map((tab): Tab => (tab.info.id === oldId ? { kind: 'log', info: next } : tab)) : [...list, { kind: 'log', info: next }]));
    setCurrent(next.id);
  };

  return (
    <div className="logs-page" data-testid="logs-screen">
      <header className="logs-header">
        <div className="logs-title">
          <h1>{t('logs.title')}</h1>
          <span className="muted">
            {controller.name} <ConnectionChip state={activeState} />
          </span>
        </div>
        <div className="logs-new" role="group" aria-label={t('logs.newTab')}>
          <Button size="small" variant="primary" busy={opening === 'shell'} disabled={!connected} onClick={() => void openShell()} data-testid="logs-open-shell">
            {t('logs.presets.shell')}
          </Button>
          {presetKeys.map((key) => (
            <Button key={key} size="small" busy={opening === key} disabled={!connected} onClick={() => void openPreset(key)} data-testid={`logs-open-${key}`}>
              {key === 'rt' ? t('logs.presets.rt', { unit: controller.rtUnit.replace(/\.service$/, '') }) : t(`logs.presets.${key}`)}
            </Button>
          ))}
          <label className="logs-scrollback" title={t('logs.scrollbackHint')}>
            <span>{t('logs.scrollback')}</span>
            <select
              value={scrollback}
              onChange={(e) => {
                const lines = Number(e.target.value);
                setScrollback(lines);
                writeScrollback(lines);
              }}
            >
              {scrollbackChoices.map((lines) => (
                <option key={lines} value={lines}>
                  {t('logs.lines', { count: lines })}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {!connected ? (
        <div className="logs-notice logs-notice-warn" role="status">
          <span>{tabs.length > 0 ? t('logs.offlineWithTabs') : t('logs.offline')}</span>
          {onOpenControllers ? (
            <Button size="small" onClick={onOpenControllers}>
              {t('logs.goToControllers')}
            </Button>
          ) : null}
        </div>
      ) : null}
      {error ? <ErrorPanel error={error} onDismiss={() => setError(null)} context={{ controller: controller.name }} /> : null}
      {tabs.length > 0 ? (
        <div className="logs-tabs" role="tablist" aria-label={t('logs.tabs')}>
          {tabs.map((tab) => {
            const selected = tab.info.id === current;
            const label = tab.info.name;
            return (
              <div key={tab.info.id} className={selected ? 'logs-tab logs-tab-current' : 'logs-tab'}>
                <button
                  type="button"
                  role="tab"
                  id={`tab-${tab.info.id}`}
                  aria-selected={selected}
                  aria-controls={`panel-${tab.info.id}`}
                  className="logs-tab-button"
                  onClick={() => setCurrent(tab.info.id)}
                  data-testid="logs-tab"
                  data-kind={tab.kind}
                >
                  <span className="logs-tab-kind" aria-hidden="true">
                    {tab.kind === 'shell' ? '>_' : '≡'}
                  </span>
                  {label}
                </button>
                <button type="button" className="logs-tab-close" aria-label={t('logs.closeTab', { name: label })} title={t('logs.closeTab', { name: label })} onClick={() => void close(tab)}>
                  ×
                </button>
              </div>
            );
          })}
        </div>
      ) : (
        <div className="logs-empty card" data-testid="logs-empty">
          <h2 className="section-title">{t('logs.empty.title')}</h2>
          <p className="muted">{t('logs.empty.body')}</p>
        </div>
      )}
      <div className="logs-panels">
        {tabs.map((tab) => (
          <div key={tab.info.id} role="tabpanel" id={`panel-${tab.info.id}`} aria-labelledby={`tab-${tab.info.id}`} className="logs-panel" hidden={tab.info.id !== current}>
            {tab.kind === 'shell' ? (
              <ShellPane info={tab.info} visible={tab.info.id === current} scrollback={scrollback} />
            ) : (
              <LogPane info={tab.info} visible={tab.info.id === current} units={units} onReplace={(next) => replace(tab.info.id, next)} />
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
