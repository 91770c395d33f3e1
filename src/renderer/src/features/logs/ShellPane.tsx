import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { TerminalDataEvent, TerminalInfo } from '../../../../shared/model/logs';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { Button } from '../../components/Button';
import type { ChipTone } from '../../components/StatusChip';
import { StatusChip } from '../../components/StatusChip';
import { copyText } from '../../components/copy-text';
import { AckBatcher } from './ack-batcher';
import { CopyPaneButton, PaneMessages, Toolbar, usePaneActions } from './pane-toolbar';
import { SearchBox } from './SearchBox';
import { useXterm } from './use-xterm';
import { bufferText } from './xterm-host';

const tones: Record<TerminalInfo['state'], ChipTone> = { starting: 'busy', open: 'pass', exited: 'skip', disconnected: 'warn', closed: 'skip' };

/** An interactive shell on the controller: xterm.js ⇄ PTY channel, resize follows the pane. */
export function ShellPane({ info: initial, visible, scrollback }: { info: TerminalInfo; visible: boolean; scrollback: number }) {
  const { t } = useTranslation();
  const api = useApi();
  const id = initial.id;
  const [info, setInfo] = useState<TerminalInfo>(initial);
  // Fixed for the pane's lifetime: a new cap would mean a new terminal and the buffer would be lost.
  const [fixedScrollback] = useState(scrollback);
  const actions = usePaneActions();
  const resizeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { containerRef, host, renderer, ready } = useXterm({
    scrollback: fixedScrollback,
    interactive: true,
    visible,
    onResize: (cols, rows) => {
      // Debounced: dragging a window edge would otherwise send dozens of resizes.
      if (resizeTimer.current) clearTimeout(resizeTimer.current);
      resizeTimer.current = setTimeout(() => void api.terminal.resize(id, { cols, rows }).catch(() => undefined), 80);
    },
  });

  useEffect(() => {
    const xterm = host.current;
    if (!ready || !xterm) return undefined;
    const terminal = xterm.terminal;
    const acks = new AckBatcher((bytes) => void api.terminal.ack(id, bytes).catch(() => undefined));
    let lastSeq = -1;
    const early: TerminalDataEvent[] = [];
    const write = (event: TerminalDataEvent): void => {
      if (event.seq <= lastSeq) return;
      lastSeq = event.seq;
      terminal.write(event.data, () => acks.add(event.bytes));
    };
    const offData = api.on('terminal.data', (event) => {
      if (event.sessionId !== id) return;
      if (lastSeq < 0) early.push(event);
      else write(event);
    });
    const offState = api.on('terminal.state', (next) => {
      if (next.id === id) setInfo(next);
    });
    let alive = true;
    void api.terminal.attach(id).then(
      (attachment) => {
        if (!alive) return;
        setInfo(attachment.info);
        terminal.write(attachment.data);
        lastSeq = attachment.lastSeq;
        for (const event of early.splice(0)) write(event);
        const { cols, rows } = terminal;
        if (cols !== attachment.info.cols || rows !== attachment.info.rows) void api.terminal.resize(id, { cols, rows }).catch(() => undefined);
      },
      (error: unknown) => actions.setError(toAppError(error)),
    );
    const input = terminal.onData((data) => void api.terminal.write(id, data).catch(() => undefined));
    // Ctrl+Shift+C / Ctrl+Shift+V as in Linux terminals; Ctrl+C stays the interrupt.
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        if (terminal.hasSelection()) void copyText(terminal.getSelection());
        return false;
      }
      if (event.code === 'KeyV') {
        void navigator.clipboard.readText().then((text) => terminal.paste(text), () => undefined);
        return false;
      }
      return true;
    });
    return () => {
      alive = false;
      offData();
      offState();
      input.dispose();
      acks.flush();
      acks.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one subscription per terminal instance
  }, [api, id, ready]);

  useEffect(() => {
    if (visible && ready) host.current?.terminal.focus();
  }, [visible, ready, host]);

  const testId = 'shell-pane';
  return (
    <section className="logs-pane" hidden={!visible} data-testid={testId} data-session={id} data-renderer={renderer ?? undefined} aria-label={info.name}>
      <Toolbar label={t('logs.toolbar', { name: info.name })}>
        <StatusChip tone={tones[info.state]} testId={`${testId}-state`}>
          {t(`logs.terminalState.${info.state}`)}
          {info.state === 'exited' && info.exitCode !== undefined && info.exitCode !== null ? ` (${info.exitCode})` : ''}
        </StatusChip>
        {info.throttled ? <StatusChip tone="info">{t('logs.catchingUp')}</StatusChip> : null}
        <span className="logs-toolbar-gap" />
        <SearchBox host={host} ready={ready} testId={testId} />
        <CopyPaneButton selection={() => host.current?.terminal.getSelection() ?? ''} all={() => (host.current ? bufferText(host.current.terminal) : '')} />
        <Button size="small" onClick={() => host.current?.terminal.clear()} title={t('logs.actions.clearShellHint')}>
          {t('logs.actions.clear')}
        </Button>
        <Button
          size="small"
          busy={actions.busy === 'save'}
          data-testid={`${testId}-save`}
          title={t('logs.actions.saveShellHint')}
          onClick={() => {
            const text = host.current ? bufferText(host.current.terminal) : '';
            void actions.run('save', () => api.terminal.save(id, text)).then((saved) => saved && actions.setSaved(saved));
          }}
        >
          {t('logs.actions.save')}
        </Button>
        <Button
          size="small"
          busy={actions.busy === 'record'}
          aria-pressed={info.recording !== undefined}
          onClick={() => void actions.run('record', () => api.terminal.record(id, info.recording === undefined)).then((next) => next && setInfo(next))}
        >
          {info.recording !== undefined ? t('logs.actions.stopRecording') : t('logs.actions.record')}
        </Button>
      </Toolbar>
      <PaneMessages saved={actions.saved} error={actions.error} recording={info.recording} onDismissSaved={() => actions.setSaved(null)} onDismissError={() => actions.setError(null)} testId={testId} />
      <div className="logs-terminal" ref={containerRef} data-testid={`${testId}-terminal`} />
      <p className="logs-footnote muted small">{t('logs.shellHint')}</p>
    </section>
  );
}
