import { z } from 'zod';

import { isCpuList, parseCpuList } from '../cpu-list';

export const defaultRtCores = '2,3';
export const defaultHousekeepingCores = '0,1';

const hostName = z
  .string()
  .trim()
  .min(1, 'Enter the controller address')
  .max(253)
  .regex(/^[A-Za-z0-9._:%[\]-]+$/, 'An address has only letters, digits, dots, dashes and colons');
const userName = z
  .string()
  .trim()
  .min(1, 'Enter the SSH user')
  .max(64)
  .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'Not a valid user name');
const port = z.number().int().min(1).max(65535);
const cpuList = z.string().trim().refine(isCpuList, 'Use a CPU list such as 2,3 or 2-3');

export const authSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('key'), keyFile: z.string().min(1, 'Choose a private key file') }),
  z.object({ kind: z.literal('password') }),
]);
export type Auth = z.infer<typeof authSchema>;

export const jumpHostSchema = z.object({
  host: hostName,
  port: port.default(22),
  user: userName,
  auth: authSchema,
});
export type JumpHost = z.infer<typeof jumpHostSchema>;

export const controllerInputSchema = z
  .object({
    /** Present when an existing profile is edited. */
    id: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1, 'Give the controller a name').max(80),
    host: hostName,
    port: port.default(22),
    user: userName,
    auth: authSchema,
    jump: jumpHostSchema.nullable().default(null),
    rtCores: cpuList.default(defaultRtCores),
    housekeepingCores: cpuList.default(defaultHousekeepingCores),
    // Goes to systemctl on the controller: a unit name only, never something systemctl would take as an option.
    rtUnit: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9@._:\\][A-Za-z0-9@._:\\-]*$/, 'A systemd unit name has letters, digits and @ . _ : - \\ only and does not start with "-" (e.g. mxrc-rt.service)')
      .default('mxrc-rt.service'),
    notes: z.string().max(2000).default(''),
  })
  .superRefine((value, ctx) => {
    if (!isCpuList(value.rtCores) || !isCpuList(value.housekeepingCores)) return;
    const rt = parseCpuList(value.rtCores);
    const hk = new Set(parseCpuList(value.housekeepingCores));
    if (rt.some((cpu) => hk.has(cpu))) {
      ctx.addIssue({ code: 'custom', path: ['rtCores'], message: 'RT and housekeeping cores must not overlap' });
    }
  });
export type ControllerInput = z.input<typeof controllerInputSchema>;

export interface ControllerProfile {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  auth: Auth;
  jump: JumpHost | null;
  rtCores: string;
  housekeepingCores: string;
  rtUnit: string;
  notes: string;
  /** True when a password or passphrase for this profile is kept in the OS keyring. */
  hasSavedSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Secrets given for one connect; never stored unless `remember` and a real keyring exist. */
export const connectSecretsSchema = z
  .object({
    password: z.string().max(1024).optional(),
    passphrase: z.string().max(1024).optional(),
    jumpPassword: z.string().max(1024).optional(),
    remember: z.boolean().default(false),
  })
  .default({ remember: false });
export type ConnectSecrets = z.input<typeof connectSecretsSchema>;
export type GivenSecrets = z.output<typeof connectSecretsSchema>;

export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface ConnectionState {
  controllerId: string;
  status: ConnectionStatus;
  /** ISO time of the last status change. */
  since: string;
  /** The SHA256 fingerprint of the verified host key, once connected. */
  hostKeyFingerprint?: string;
  /** The remote SSH server identification, e.g. "SSH-2.0-OpenSSH_9.2p1". */
  serverIdent?: string;
  error?: { code: string; message: string; hint?: string };
  /** Reconnect attempts so far in the current outage. */
  attempt?: number;
}

/** A host entry read from ~/.ssh/config that can become a controller profile. */
export interface SshConfigHost {
  alias: string;
  host: string;
  port: number;
  user: string | null;
  identityFile: string | null;
  proxyJump: string | null;
}

/** What the technician compares before trusting a key. */
export interface HostKeyInfo {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

export interface HostKeyChange extends HostKeyInfo {
  /** Fingerprints the known_hosts files hold for this host. */
  knownFingerprints: string[];
  knownHostsFile: string;
}
