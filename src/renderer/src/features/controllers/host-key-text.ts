/** The host key file on the controller that matches the presented key type, for the ssh-keygen command. */
export function hostKeyFileFor(keyType: string): string {
  if (keyType.includes('ed25519')) return '/etc/ssh/ssh_host_ed25519_key.pub';
  if (keyType.startsWith('ecdsa')) return '/etc/ssh/ssh_host_ecdsa_key.pub';
  if (keyType.includes('rsa')) return '/etc/ssh/ssh_host_rsa_key.pub';
  return '/etc/ssh/ssh_host_ed25519_key.pub';
}

/** The command a technician runs on the controller console to read its fingerprint. */
export function fingerprintCommand(keyType: string): string {
  return `ssh-keygen -lf ${hostKeyFileFor(keyType)}`;
}

/** "SHA256:abcd…" split in groups of four after the prefix, so two fingerprints can be compared by eye. */
export function fingerprintGroups(fingerprint: string): string[] {
  const [prefix, body] = fingerprint.includes(':') ? [fingerprint.slice(0, fingerprint.indexOf(':') + 1), fingerprint.slice(fingerprint.indexOf(':') + 1)] : ['', fingerprint];
  const groups = body.match(/.{1,4}/g) ?? [];
  return prefix ? [prefix, ...groups] : groups;
}

export function endpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
