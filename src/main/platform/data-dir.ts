import { homedir } from 'node:os';
import { join } from 'node:path';

export const appFolderName = 'mxrc-commissioner';

/**
 * The laptop folder that holds profiles, known_hosts and results. The Electron app, the CLI and browser mode all
 * resolve it the same way so a technician sees one history: MXRC_DATA_DIR, else the OS's per-user app data folder
 * (the folder Electron calls appData).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MXRC_DATA_DIR) return env.MXRC_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appFolderName);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appFolderName);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), appFolderName);
}

export function userKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

export function userSshConfigFile(): string {
  return join(homedir(), '.ssh', 'config');
}
