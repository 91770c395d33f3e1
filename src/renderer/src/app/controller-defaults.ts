import { controllerInputSchema, defaultHousekeepingCores, defaultRtCores } from '../../../shared/model/controller';

/**
 * What a NEW controller profile starts with (Settings → "New controllers"): the cores and RT unit most of a
 * site's controllers share. Kept in this window's localStorage like the other preferences; checked with the very
 * schema the server applies when a profile is saved, so a default can never be one the form would refuse.
 */
export interface ControllerDefaults {
  rtCores: string;
  housekeepingCores: string;
  rtUnit: string;
}

export type ControllerDefaultsField = keyof ControllerDefaults;

export const factoryControllerDefaults: ControllerDefaults = { rtCores: defaultRtCores, housekeepingCores: defaultHousekeepingCores, rtUnit: 'mxrc-rt.service' };

const storageKey = 'mxrc.controllerDefaults';

/** Which fields are wrong, by the server's own rules (CPU lists, no overlap, a systemd unit name). */
export function controllerDefaultsProblems(values: ControllerDefaults): Partial<Record<ControllerDefaultsField, string>> {
  const parsed = controllerInputSchema.safeParse({ name: 'defaults', host: 'localhost', user: 'user', auth: { kind: 'agent' }, ...values });
  const problems: Partial<Record<ControllerDefaultsField, string>> = {};
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === 'rtCores' || field === 'housekeepingCores' || field === 'rtUnit') problems[field] ??= issue.message;
  }
  return problems;
}

export function normalized(values: ControllerDefaults): ControllerDefaults {
  return { rtCores: values.rtCores.trim(), housekeepingCores: values.housekeepingCores.trim(), rtUnit: values.rtUnit.trim() };
}

/** The saved defaults, or the factory ones when nothing (valid) is saved. */
export function readControllerDefaults(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): ControllerDefaults {
  try {
    const saved = JSON.parse(storage?.getItem(storageKey) ?? 'null') as Partial<ControllerDefaults> | null;
    if (saved && typeof saved.rtCores === 'string' && typeof saved.housekeepingCores === 'string' && typeof saved.rtUnit === 'string') {
      const values = normalized({ rtCores: saved.rtCores, housekeepingCores: saved.housekeepingCores, rtUnit: saved.rtUnit });
      if (Object.keys(controllerDefaultsProblems(values)).length === 0) return values;
    }
  } catch {
    // unreadable storage: the factory defaults
  }
  return { ...factoryControllerDefaults };
}

/** Saves valid defaults; returns the problems instead (nothing saved) when there are any. */
export function writeControllerDefaults(values: ControllerDefaults, storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage ?? null): Partial<Record<ControllerDefaultsField, string>> {
  const clean = normalized(values);
  const problems = controllerDefaultsProblems(clean);
  if (Object.keys(problems).length > 0) return problems;
  try {
    storage?.setItem(storageKey, JSON.stringify(clean));
  } catch {
    // only this window keeps them then
  }
  return {};
}
