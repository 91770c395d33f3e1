import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { AppError } from '../../../../shared/errors';
import { formatForTerminal } from '../../../../shared/logs/format';
import { LineRing } from '../../../../shared/logs/line-ring';
import type { LogLine, LogLinesEvent, LogSourceInput, LogStreamInfo } from '../../../../shared/model/logs';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import type { ChipTone } from '../../components/StatusChip';
import { StatusChip } from '../../components/StatusChip';
import { AckBatcher } from './ack-batcher';
import { FilterBar } from './FilterBar';
import { FilterSummary } from './FilterSummary';
import { defaultBacklog } from './log-presets';
import { CopyPaneButton, PaneMessages, Toolbar, usePaneActions } from './pane-toolbar';
import { SearchBox } from './SearchBox';
import { useXterm } from './use-xterm';
import { bufferText } from './xterm-host';

const tones: Record<LogStreamInfo['state'], ChipTone> = { starting: 'busy', live: 'pass', paused: 'skip', reconnecting: 'warn', ended: 'info', failed: 'fail', closed: 'skip' };
const timestampsKey = 'mxrc.logs.timestamps';

function readTimestamps(): boolean {
  try {
    return localStorage.getItem(timestampsKey) !== 'off';
  } catch {
    return true;
  }
}

/**
 * One followed log (journal of a unit or tag, kernel messages, a container) in a read-only xterm.js view. The
 * view keeps its own copy of the lines (same cap) so the timestamps toggle can redraw; the Node side keeps the
 * authoritative buffer that "save all" writes.
 */
export function LogPane({ info: initial, visible, units, onReplace }: { info: LogStreamInfo; visible: boolean; units: readonly string[]; onReplace: (next: LogStreamInfo) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const id = initial.id;
  const [info, setInfo] = useState<LogStreamInfo>(initial);
  const [timestamps, setTimestamps] = useState(readTimestamps);
  const [showFilters, setShowFilters] = useState(false);
  const [received, setReceived] = useState(0);
  const [applying, setApplying] = useState(false);
  const actions = usePaneActions();
  const ring = useRef(new LineRing<LogLine>(initial.scrollback));
  const lineCount = useRef(0);
  const timestampsRef = useRef(timestamps);
  const { containerRef, host, renderer, ready } = useXterm({ scrollback: initial.scrollback, interactive: false, visible });

  useEffect(() => {
    const xterm = host.current;
    if (!ready || !xterm) return undefined;
    const terminal = xterm.terminal;
    const acks = new AckBatcher((bytes) => void api.logs.ack(id, bytes).catch(() => undefined));
    let lastSeq = -1;
    const early: LogLinesEvent[] = [];
    const show = (lines: LogLine[], onDone?: () => void): void => {
      for (const line of lines) ring.current.push(line);
      lineCount.current += lines.length;
      terminal.write(formatForTerminal(lines, { timestamps: timestampsRef.current }), onDone);
    };
    const apply = (event: LogLinesEvent): void => {
      const fresh = event.lines.filter((line) => line.seq > lastSeq);
      if (fresh.length > 0) lastSeq = fresh[fresh.length - 1]?.seq ?? lastSeq;
      // Acknowledged once drawn (xterm's write callback): a slow view slows the reader on the controller.
      show(fresh, () => acks.add(event.bytes));
    };
    const offLines = api.on('logs.lines', (event) => {
      if (event.streamId !== id) return;
      if (lastSeq < 0) early.push(event);
      else apply(event);
    });
    const offState = api.on('logs.state', (next) => {
      if (next.id === id) setInfo(next);
    });
    let alive = true;
    void api.logs.attach(id).then(
      (attachment) => {
        if (!alive) return;
        setInfo(attachment.info);
        lastSeq = attachment.lines[attachment.lines.length - 1]?.seq ?? 0;
        show(attachment.lines);
        for (const event of early.splice(0)) apply(event);
      },
      (error: unknown) => actions.setError(toAppError(error)),
    );
    // The line count is shown a few times a second, never per batch (React work per batch would slow a flood).
    const counter = setInterval(() => setReceived(lineCount.current), 400);
    return () => {
      alive = false;
      clearInterval(counter);
      offLines();
      offState();
      acks.flush();
      acks.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one subscription per terminal instance
  }, [api, id, ready]);

  const redraw = (withTimestamps: boolean): void => {
    const terminal = host.current?.terminal;
    if (!terminal) return;
    terminal.reset();
    terminal.write(formatForTerminal(ring.current.toArray(), { timestamps: withTimestamps }));
  };

  const apply = async (source: LogSourceInput): Promise<void> => {
    setApplying(true);
    actions.setError(null);
    try {
      // Open the new stream first: a filter the controller rejects leaves the current one running.
      const next = await api.logs.open(info.controllerId, { name: info.name, source, follow: info.follow, scrollback: info.scrollback, backlog: defaultBacklog });
      // The tab switches to the new stream before the old one's "closed" event could remove it.
      onReplace(next);
      await api.logs.close(id).catch(() => undefined);
    } catch (error) {
      actions.setError(toAppError(error));
    } finally {
      setApplying(false);
    }
  };

  const canPause = info.state === 'live' || info.state === 'starting' || info.state === 'reconnecting';
  const canResume = info.state === 'paused' || info.state === 'ended' || info.state === 'failed';
  const testId = 'log-pane';
  const waiting = received === 0 && (info.state === 'live' || info.state === 'starting');

  return (
    <section className="logs-pane" hidden={!visible} data-testid={testId} data-stream={id} data-state={info.state} data-renderer={renderer ?? undefined} aria-label={info.name}>
      <Toolbar label={t('logs.toolbar', { name: info.name })}>
        <StatusChip tone={tones[info.state]} testId={`${testId}-state`}>
          {t(`logs.state.${info.state}`)}
        </StatusChip>
        {info.throttled ? (
          <StatusChip tone="info" title={t('logs.catchingUpHint')}>
            {t('logs.catchingUp')}
          </StatusChip>
        ) : null}
        <span className="logs-count muted small" data-testid={`${testId}-count`}>
          {t('logs.lineCount', { count: received })}
        </span>
        {canPause ? (
          <Button size="small" onClick={() => void actions.run('pause', () => api.logs.pause(id)).then((next) => next && setInfo(next))} title={t('logs.actions.pauseHint')} data-testid={`${testId}-pause`}>
            {t('logs.actions.pause')}
          </Button>
        ) : null}
        {canResume ? (
          <Button size="small" variant="primary" busy={actions.busy === 'resume'} onClick={() => void actions.run('resume', () => api.logs.resume(id)).then((next) => next && setInfo(next))} title={t('logs.actions.resumeHint')} data-testid={`${testId}-resume`}>
            {t('logs.actions.resume')}
          </Button>
        ) : null}
        <Button size="small" variant={showFilters ? 'secondary' : 'ghost'} aria-expanded={showFilters} onClick={() => setShowFilters((v) => !v)} data-testid={`${testId}-filters-toggle`}>
          {t('logs.filters.legend')}
        </Button>
        <span className="logs-toolbar-gap" />
        <SearchBox host={host} ready={ready} testId={testId} />
        <label className="logs-toggle">
          <input
            type="checkbox"
            checked={timestamps}
            onChange={(e) => {
              const on = e.target.checked;
              setTimestamps(on);
              timestampsRef.current = on;
              try {
                localStorage.setItem(timestampsKey, on ? 'on' : 'off');
              } catch {
                // not remembered
              }
              redraw(on);
            }}
          />
          {t('logs.actions.timestamps')}
        </label>
        <CopyPaneButton selection={() => host.current?.terminal.getSelection() ?? ''} all={() => (host.current ? bufferText(host.current.terminal) : '')} />
        <Button
          size="small"
          title={t('logs.actions.clearHint')}
          onClick={() => {
            ring.current.clear();
            host.current?.terminal.reset();
          }}
        >
          {t('logs.actions.clear')}
        </Button>
        <Button size="small" busy={actions.busy === 'save'} title={t('logs.actions.saveHint')} data-testid={`${testId}-save`} onClick={() => void actions.run('save', () => api.logs.save(id)).then((saved) => saved && actions.setSaved(saved))}>
          {t('logs.actions.save')}
        </Button>
        <Button size="small" busy={actions.busy === 'record'} aria-pressed={info.recording !== undefined} onClick={() => void actions.run('record', () => api.logs.record(id, info.recording === undefined)).then((next) => next && setInfo(next))}>
          {info.recording !== undefined ? t('logs.actions.stopRecording') : t('logs.actions.record')}
        </Button>
      </Toolbar>
      <FilterSummary source={info.source} testId={testId} />
      {showFilters ? <FilterBar key={id} source={info.source} units={units} busy={applying} onApply={(source) => void apply(source)} testId={testId} /> : null}
      {info.notes.map((note) => (
        <div key={note.code} className="logs-notice logs-notice-warn" role="note" data-testid={`${testId}-note`}>
          <span aria-hidden="true">! </span>
          {t(`logs.notes.${note.code}`)}
        </div>
      ))}
      {info.state === 'failed' && info.error ? <ErrorPanel error={AppError.fromWire(info.error)} onRetry={() => void actions.run('resume', () => api.logs.resume(id)).then((next) => next && setInfo(next))} retryLabel={t('logs.actions.resume')} /> : null}
      <PaneMessages saved={actions.saved} error={actions.error} recording={info.recording} onDismissSaved={() => actions.setSaved(null)} onDismissError={() => actions.setError(null)} testId={testId} />
      <div className="logs-terminal-wrap">
        <div className="logs-terminal" ref={containerRef} data-testid={`${testId}-terminal`} />
        {waiting ? <p className="logs-waiting">{t('logs.waiting')}</p> : null}
      </div>
      <p className="logs-footnote muted small">
        {t('logs.kept', { count: info.scrollback })}
        {info.resumes > 0 ? ` · ${t('logs.resumed', { count: info.resumes })}` : ''}
        {info.dropped > 0 ? ` · ${t('logs.dropped', { count: info.dropped })}` : ''}
      </p>
    </section>
  );
}
