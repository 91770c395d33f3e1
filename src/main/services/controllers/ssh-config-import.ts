import { readFile } from 'node:fs/promises';

import SSHConfig, { LineType } from 'ssh-config';

import type { SshConfigHost } from '../../../shared/model/controller';

function first(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  const item = Array.isArray(value) ? value[0] : value;
  return item === undefined || item === '' ? null : item;
}

/** Concrete Host aliases (no wildcards) from an OpenSSH client config, resolved the way `ssh -G` would. */
export function sshConfigHostsFromText(text: string): SshConfigHost[] {
  const config = SSHConfig.parse(text);
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => (typeof v === 'string' ? v : v.val)) : line.value.split(/\s+/);
    for (const alias of values) if (alias && !/[*?!]/.test(alias) && !aliases.includes(alias)) aliases.push(alias);
  }
  return aliases.map((alias) => {
    const computed = config.compute(alias);
    const port = Number(first(computed.Port) ?? '22');
    return {
      alias,
      host: first(computed.HostName) ?? alias,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
      user: first(computed.User),
      identityFile: first(computed.IdentityFile),
      proxyJump: first(computed.ProxyJump),
    };
  });
}

export async function readSshConfigHosts(path: string): Promise<SshConfigHost[]> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  });
  return sshConfigHostsFromText(text);
}
