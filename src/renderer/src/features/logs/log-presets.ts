import type { LogSourceInput } from '../../../../shared/model/logs';

/** Names the deployment uses on every MXRC controller (see the Deploy screen). */
export const nonRtUnit = 'mxrc-nonrt.service';
export const webApiTag = 'mxrc-webapi';
export const webApiContainer = 'mxrc-webapi';

export type PresetKey = 'rt' | 'nonrt' | 'webapiJournal' | 'webapiContainer' | 'kernel' | 'journal';

export const presetKeys: readonly PresetKey[] = ['rt', 'nonrt', 'webapiJournal', 'webapiContainer', 'kernel', 'journal'];

export function presetSource(key: PresetKey, rtUnit: string): { name: string; source: LogSourceInput } {
  switch (key) {
    case 'rt':
      return { name: rtUnit.replace(/\.service$/, ''), source: { kind: 'journal', unit: rtUnit } };
    case 'nonrt':
      return { name: 'mxrc-nonrt', source: { kind: 'journal', unit: nonRtUnit } };
    case 'webapiJournal':
      return { name: 'webapi journal', source: { kind: 'journal', identifier: webApiTag } };
    case 'webapiContainer':
      return { name: 'webapi container', source: { kind: 'container', container: webApiContainer } };
    case 'kernel':
      return { name: 'kernel', source: { kind: 'kernel' } };
    case 'journal':
      return { name: 'journal', source: { kind: 'journal' } };
  }
}

export const scrollbackChoices = [1000, 10_000, 50_000, 100_000] as const;
const scrollbackKey = 'mxrc.logs.scrollback';

export function readScrollback(): number {
  try {
    const saved = Number(localStorage.getItem(scrollbackKey));
    if ((scrollbackChoices as readonly number[]).includes(saved)) return saved;
  } catch {
    // storage unavailable
  }
  return 10_000;
}

export function writeScrollback(lines: number): void {
  try {
    localStorage.setItem(scrollbackKey, String(lines));
  } catch {
    // only this window remembers it then
  }
}

/** How many earlier lines a new stream shows first (journalctl -n / docker --tail). */
export const defaultBacklog = 1000;
