import type { Auth, ControllerInput, ControllerProfile } from '../../../../shared/model/controller';
import { defaultHousekeepingCores, defaultRtCores } from '../../../../shared/model/controller';

export type AuthKind = Auth['kind'];

/** What the form edits: strings as typed, turned into a ControllerInput only on save. */
export interface FormValues {
  name: string;
  host: string;
  port: string;
  user: string;
  authKind: AuthKind;
  keyFile: string;
  useJump: boolean;
  jumpHost: string;
  jumpPort: string;
  jumpUser: string;
  jumpAuthKind: AuthKind;
  jumpKeyFile: string;
  rtCores: string;
  housekeepingCores: string;
  rtUnit: string;
  notes: string;
}

export type FormField = keyof FormValues;

export const defaultRtUnit = 'mxrc-rt.service';

/** A new profile's form; `defaults` are the RT setup chosen in Settings (else the built-in defaults). */
export function emptyForm(defaults: Partial<Pick<FormValues, 'rtCores' | 'housekeepingCores' | 'rtUnit'>> = {}): FormValues {
  return {
    name: '',
    host: '',
    port: '22',
    user: '',
    authKind: 'key',
    keyFile: '',
    useJump: false,
    jumpHost: '',
    jumpPort: '22',
    jumpUser: '',
    jumpAuthKind: 'agent',
    jumpKeyFile: '',
    rtCores: defaults.rtCores ?? defaultRtCores,
    housekeepingCores: defaults.housekeepingCores ?? defaultHousekeepingCores,
    rtUnit: defaults.rtUnit ?? defaultRtUnit,
    notes: '',
  };
}

export function formFromProfile(profile: ControllerProfile): FormValues {
  const jump = profile.jump;
  return {
    name: profile.name,
    host: profile.host,
    port: String(profile.port),
    user: profile.user,
    authKind: profile.auth.kind,
    keyFile: profile.auth.kind === 'key' ? profile.auth.keyFile : '',
    useJump: jump !== null,
    jumpHost: jump?.host ?? '',
    jumpPort: String(jump?.port ?? 22),
    jumpUser: jump?.user ?? '',
    jumpAuthKind: jump?.auth.kind ?? 'agent',
    jumpKeyFile: jump?.auth.kind === 'key' ? jump.auth.keyFile : '',
    rtCores: profile.rtCores,
    housekeepingCores: profile.housekeepingCores,
    rtUnit: profile.rtUnit,
    notes: profile.notes,
  };
}

function authOf(kind: AuthKind, keyFile: string): Auth {
  return kind === 'key' ? { kind, keyFile: keyFile.trim() } : { kind };
}

/** An empty port means "the default" (22); anything else goes as a number and the server judges it. */
function portOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text.trim());
}

export function inputFromForm(values: FormValues, id?: string): ControllerInput {
  return {
    ...(id ? { id } : {}),
    name: values.name,
    host: values.host,
    port: portOf(values.port),
    user: values.user,
    auth: authOf(values.authKind, values.keyFile),
    jump: values.useJump
      ? { host: values.jumpHost, port: portOf(values.jumpPort), user: values.jumpUser, auth: authOf(values.jumpAuthKind, values.jumpKeyFile) }
      : null,
    rtCores: values.rtCores,
    housekeepingCores: values.housekeepingCores,
    rtUnit: values.rtUnit,
    notes: values.notes,
  };
}

const pathToField: Record<string, FormField> = {
  name: 'name',
  host: 'host',
  port: 'port',
  user: 'user',
  auth: 'authKind',
  'auth.kind': 'authKind',
  'auth.keyFile': 'keyFile',
  jump: 'useJump',
  'jump.host': 'jumpHost',
  'jump.port': 'jumpPort',
  'jump.user': 'jumpUser',
  'jump.auth': 'jumpAuthKind',
  'jump.auth.kind': 'jumpAuthKind',
  'jump.auth.keyFile': 'jumpKeyFile',
  rtCores: 'rtCores',
  housekeepingCores: 'housekeepingCores',
  rtUnit: 'rtUnit',
  notes: 'notes',
};

export interface FieldProblems {
  /** First server message per field. */
  fields: Partial<Record<FormField, string>>;
  /** Problems that belong to no field on the form. */
  other: string[];
}

/** INVALID_INPUT detail `[{ path: '0.host', message }]` → the form field each problem belongs to. */
export function fieldProblems(detail: unknown, argumentIndex = 0): FieldProblems {
  const result: FieldProblems = { fields: {}, other: [] };
  if (!Array.isArray(detail)) return result;
  for (const item of detail as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { path, message } = item as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const prefix = `${argumentIndex}.`;
    const local = path.startsWith(prefix) ? path.slice(prefix.length) : path === String(argumentIndex) ? '' : path;
    const field = pathToField[local];
    if (field) {
      result.fields[field] ??= message;
    } else {
      result.other.push(local ? `${local}: ${message}` : message);
    }
  }
  return result;
}
