/**
 * The environment every probe runs in. Profile values enter probe commands only here, as quoted exports, so
 * the probe text itself is identical live and in collect.sh.
 */
import { quote } from '../remote-command';
import type { CheckProfile } from './model';

export const probeEnvNames = ['RT_UNIT', 'IPC_UNIT', 'WEBAPI', 'ECAT_IF', 'HEALTH_URL'] as const;
export type ProbeEnvName = (typeof probeEnvNames)[number];

export function probeEnvironment(profile: CheckProfile): Record<ProbeEnvName, string> {
  return {
    RT_UNIT: profile.rtUnit,
    IPC_UNIT: profile.ipcUnit,
    WEBAPI: profile.webapiContainer,
    ECAT_IF: profile.ecatIf ?? '',
    HEALTH_URL: profile.healthUrl,
  };
}

/** Probe tools live in /usr/sbin (ethtool, sysctl), which is not on a Debian user's PATH. */
export const PATH_EXTENSION = 'PATH="$PATH:/usr/sbin:/sbin"; export PATH';

/** `export RT_UNIT=… …; PATH=…;` + newline, to prefix a probe command. */
export function envPrefix(profile: CheckProfile): string {
  const env = probeEnvironment(profile);
  const exports = probeEnvNames.map((name) => `${name}=${quote(env[name])}`).join(' ');
  return `export ${exports}; ${PATH_EXTENSION}\n`;
}
