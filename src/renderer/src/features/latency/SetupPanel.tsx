import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ControllerProfile } from '../../../../shared/model/controller';
import type { LatencyPreflight, LatencyPreset, LatencyRunView, LatencyStartInput } from '../../../../shared/model/latency';
import { latencyPresetDefaults } from '../../../../shared/model/latency';
import { useApi } from '../../api/api-context';
import { useAction, useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { clock, parseDurationText } from './format';

interface FormState {
  preset: LatencyPreset;
  duration: string;
  interval: string;
  priority: string;
  histogram: string;
  load: boolean;
  rtla: boolean;
  defaultSystem: boolean;
  markAsBaseline: boolean;
}

const initialForm: FormState = {
  preset: 'quick',
  duration: '10m',
  interval: '',
  priority: '80',
  histogram: '400',
  load: true,
  rtla: true,
  defaultSystem: false,
  markAsBaseline: false,
};

const presets: LatencyPreset[] = ['quick', 'acceptance', 'custom'];

function positiveInt(text: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** The request the form describes, or the fields that are not valid yet. */
type InvalidField = 'duration' | 'interval' | 'priority' | 'histogram';

function requestOf(form: FormState, controllerId: string): { request: Omit<LatencyStartInput, 'safeStateConfirmed'>; invalid: InvalidField[] } {
  const invalid: InvalidField[] = [];
  const request: Omit<LatencyStartInput, 'safeStateConfirmed'> = {
    controllerId,
    preset: form.preset,
    rtla: form.rtla,
    defaultSystem: form.defaultSystem,
    markAsBaseline: form.markAsBaseline,
  };
  if (form.preset === 'custom') {
    const duration = parseDurationText(form.duration);
    if (duration === null) invalid.push('duration');
    else request.durationS = duration;
    if (form.interval.trim() !== '') {
      const interval = positiveInt(form.interval, 10, 1_000_000);
      if (interval === null) invalid.push('interval');
      else request.intervalUs = interval;
    }
    const priority = positiveInt(form.priority, 1, 99);
    if (priority === null) invalid.push('priority');
    else request.priority = priority;
    const histogram = positiveInt(form.histogram, 10, 100_000);
    if (histogram === null) invalid.push('histogram');
    else request.histogramUs = histogram;
    request.load = form.load;
  }
  return { request, invalid };
}

function durationOf(form: FormState): number {
  return form.preset === 'custom' ? (parseDurationText(form.duration) ?? 0) : latencyPresetDefaults[form.preset].durationS;
}

function loadOf(form: FormState): boolean {
  return form.preset === 'custom' ? form.load : latencyPresetDefaults[form.preset].load;
}

function PreflightList({ preflight }: { preflight: LatencyPreflight }) {
  const { t } = useTranslation();
  const row = (label: string, tone: 'pass' | 'warn' | 'fail' | 'skip', value: string, testId: string) => (
    <li className="latency-preflight-row" data-testid={testId}>
      <StatusChip tone={tone}>{t(`latency.chip.${tone}`)}</StatusChip>
      <span className="strong">{label}</span>
      <span className="muted">{value}</span>
    </li>
  );
  return (
    <ul className="latency-preflight" aria-label={t('latency.preflight.title')}>
      {row(t('latency.preflight.cyclictest'), preflight.tools.cyclictest ? 'pass' : 'fail', preflight.tools.cyclictest ? t('latency.preflight.installed') : t('latency.preflight.cyclictestMissing'), 'preflight-cyclictest')}
      {row(t('latency.preflight.root'), preflight.root ? 'pass' : 'fail', preflight.root ? t('latency.preflight.rootOk') : (preflight.sudoMessage ?? t('latency.preflight.rootMissing')), 'preflight-root')}
      {row(t('latency.preflight.stressNg'), preflight.tools.stressNg ? 'pass' : 'warn', preflight.tools.stressNg ? t('latency.preflight.installed') : t('latency.preflight.stressMissing'), 'preflight-stress')}
      {row(t('latency.preflight.rtla'), preflight.tools.rtla ? 'pass' : 'skip', preflight.tools.rtla ? t('latency.preflight.installed') : t('latency.preflight.rtlaMissing'), 'preflight-rtla')}
      {row(
        t('latency.preflight.detach'),
        preflight.systemd || preflight.tools.setsid ? 'pass' : 'fail',
        preflight.systemd && preflight.tools.systemdRun ? t('latency.preflight.systemd') : preflight.tools.setsid ? t('latency.preflight.setsid') : t('latency.preflight.noDetach'),
        'preflight-detach',
      )}
      {preflight.rtUnit
        ? row(
            t('latency.preflight.rtService'),
            preflight.rtUnit.active ? 'warn' : 'pass',
            preflight.rtUnit.active ? t('latency.preflight.rtActive', { unit: preflight.rtUnit.name }) : t('latency.preflight.rtInactive', { unit: preflight.rtUnit.name, state: preflight.rtUnit.state }),
            'preflight-rt-service',
          )
        : null}
      {preflight.foreignCyclictest ? row(t('latency.preflight.other'), 'warn', t('latency.preflight.foreign'), 'preflight-foreign') : null}
    </ul>
  );
}

export interface SetupPanelProps {
  controller: ControllerProfile;
  connected: boolean;
  onStarted: (view: LatencyRunView) => void;
}

/** Preset and options, what the controller offers, and the start with its safety confirmation. */
export function SetupPanel({ controller, connected, onStarted }: SetupPanelProps) {
  const { t } = useTranslation();
  const api = useApi();
  const [form, setForm] = useState<FormState>(initialForm);
  const [confirming, setConfirming] = useState(false);
  const [safe, setSafe] = useState(false);
  const [stopRt, setStopRt] = useState(false);
  const [showInvalid, setShowInvalid] = useState(false);
  const preflight = useRequest(() => (connected ? api.latency.preflight(controller.id) : Promise.resolve(null)), [api, controller.id, connected]);
  const start = useAction((input: LatencyStartInput) => api.latency.start(input));
  const { request, invalid } = requestOf(form, controller.id);
  const facts = preflight.data ?? null;
  const rtActive = facts?.rtUnit?.active === true;
  const blocked = !facts || !facts.tools.cyclictest || !facts.root || (loadOf(form) && !facts.tools.stressNg);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const invalidText = (field: InvalidField): string | undefined => (showInvalid && invalid.includes(field) ? t(`latency.setup.invalid.${field}`) : undefined);

  const openConfirm = () => {
    if (invalid.length > 0) {
      setShowInvalid(true);
      return;
    }
    start.clearError();
    setSafe(false);
    setStopRt(false);
    setConfirming(true);
  };

  const confirm = async () => {
    const view = await start.run({ ...request, safeStateConfirmed: true, stopRtService: rtActive && stopRt });
    if (view) {
      setConfirming(false);
      onStarted(view);
    }
  };

  const duration = durationOf(form);
  const interval = request.intervalUs ?? 100;
  return (
    <section className="card latency-setup" aria-labelledby="latency-setup-title" data-testid="latency-setup">
      <h2 className="section-title" id="latency-setup-title">
        {t('latency.setup.title')}
      </h2>
      <div className="latency-setup-grid">
        <div>
          <fieldset className="radio-group">
            <legend>{t('latency.setup.preset')}</legend>
            {presets.map((preset) => (
              <label key={preset} className="radio">
                <input type="radio" name="latency-preset" value={preset} checked={form.preset === preset} onChange={() => set('preset', preset)} />
                <span>
                  <span className="radio-title">{t(`latency.setup.presets.${preset}`)}</span>
                  <span className="muted small block">{t(`latency.setup.presets.${preset}Hint`)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {form.preset === 'custom' ? (
            <div className="latency-custom">
              <div className="field-row">
                <Field label={t('latency.setup.duration')} hint={t('latency.setup.durationHint')} error={invalidText('duration')} className="grow">
                  {(control) => <input {...control} value={form.duration} spellCheck={false} onChange={(e) => set('duration', e.target.value)} />}
                </Field>
                <Field label={t('latency.setup.interval')} hint={t('latency.setup.intervalHint')} error={invalidText('interval')} className="grow">
                  {(control) => <input {...control} inputMode="numeric" placeholder="100" value={form.interval} onChange={(e) => set('interval', e.target.value)} />}
                </Field>
              </div>
              <div className="field-row">
                <Field label={t('latency.setup.priority')} error={invalidText('priority')} className="grow">
                  {(control) => <input {...control} inputMode="numeric" value={form.priority} onChange={(e) => set('priority', e.target.value)} />}
                </Field>
                <Field label={t('latency.setup.histogram')} hint={t('latency.setup.histogramHint')} error={invalidText('histogram')} className="grow">
                  {(control) => <input {...control} inputMode="numeric" value={form.histogram} onChange={(e) => set('histogram', e.target.value)} />}
                </Field>
              </div>
              <label className="checkbox">
                <input type="checkbox" checked={form.load} onChange={(e) => set('load', e.target.checked)} />
                <span>{t('latency.setup.load', { hk: controller.housekeepingCores })}</span>
              </label>
            </div>
          ) : null}
          <label className="checkbox">
            <input type="checkbox" checked={form.rtla} onChange={(e) => set('rtla', e.target.checked)} />
            <span>{t('latency.setup.rtla')}</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={form.defaultSystem} onChange={(e) => set('defaultSystem', e.target.checked)} />
            <span>
              {t('latency.setup.defaultSystem')}
              <span className="muted small block">{t('latency.setup.defaultSystemHint')}</span>
            </span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={form.markAsBaseline} onChange={(e) => set('markAsBaseline', e.target.checked)} />
            <span>{t('latency.setup.markAsBaseline')}</span>
          </label>
          <p className="muted small">{t('latency.setup.cores', { rt: controller.rtCores, hk: controller.housekeepingCores })}</p>
        </div>
        <div>
          <h3 className="latency-subtitle">{t('latency.preflight.title')}</h3>
          {!connected ? (
            <p className="muted">{t('latency.preflight.notConnected')}</p>
          ) : preflight.error ? (
            <ErrorPanel error={preflight.error} onRetry={preflight.reload} />
          ) : facts ? (
            <PreflightList preflight={facts} />
          ) : (
            <p className="muted">
              <span className="spinner spinner-small" aria-hidden="true" /> {t('latency.preflight.checking')}
            </p>
          )}
        </div>
      </div>
      <div className="latency-setup-actions">
        <Button variant="primary" onClick={openConfirm} disabled={!connected || blocked} data-testid="latency-start">
          {t('latency.setup.start')}
        </Button>
        <span className="muted small">{t('latency.setup.summary', { duration: clock(duration), load: loadOf(form) ? t('latency.setup.withLoad') : t('latency.setup.idle') })}</span>
      </div>

      <Dialog
        open={confirming}
        kind="alert"
        title={t('latency.confirm.title')}
        onClose={start.pending ? undefined : () => setConfirming(false)}
        testId="latency-confirm"
        footer={
          <>
            <Button variant="ghost" onClick={() => setConfirming(false)} disabled={start.pending}>
              {t('common.cancel')}
            </Button>
            <Button variant="danger" busy={start.pending} disabled={!safe || (rtActive && !stopRt)} onClick={() => void confirm()} data-testid="latency-confirm-start">
              {t('latency.confirm.start')}
            </Button>
          </>
        }
      >
        <p>{t('latency.confirm.what', { priority: request.priority ?? 80, rt: controller.rtCores, duration: clock(duration), interval })}</p>
        {loadOf(form) ? <p>{t('latency.confirm.load', { hk: controller.housekeepingCores })}</p> : null}
        <label className="checkbox latency-confirm-check">
          <input type="checkbox" checked={safe} onChange={(e) => setSafe(e.target.checked)} data-autofocus />
          <span className="strong">{t('latency.confirm.safe')}</span>
        </label>
        {rtActive && facts?.rtUnit ? (
          <label className="checkbox latency-confirm-check">
            <input type="checkbox" checked={stopRt} onChange={(e) => setStopRt(e.target.checked)} />
            <span>
              <span className="strong">{t('latency.confirm.stopRt', { unit: facts.rtUnit.name })}</span>
              <span className="muted small block">{t('latency.confirm.stopRtWhy')}</span>
            </span>
          </label>
        ) : null}
        <p className="muted small">{t('latency.confirm.detached')}</p>
        {start.error ? <ErrorPanel error={start.error} onDismiss={start.clearError} /> : null}
      </Dialog>
    </section>
  );
}
