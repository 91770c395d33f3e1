// npm run lab:up | lab:down | (node --import tsx test/lab/cli.ts status)
import { spawnSync } from 'node:child_process';
import { labJsonPath, labScript, readLab, runLabScript, type Lab } from '../support/lab';

function summary(lab: Lab): string {
  const key = lab.users.key.keyFile;
  const ssh = (port: number, user = 'mxrc') =>
    `ssh -p ${port} -i ${key} -o UserKnownHostsFile=${lab.knownHostsFile} ${user}@127.0.0.1`;
  const lines = [
    `lab.json: ${labJsonPath()}`,
    '',
    `host sshd       ${ssh(lab.sshd.port)}`,
    `systemd ctl     ${ssh(lab.controllers.systemd.port)}   (sudo; docker socket at ${lab.controllers.systemd.dockerSocket})`,
  ];
  for (const [name, ctl] of Object.entries(lab.controllers)) {
    if (name === 'systemd') continue;
    lines.push(`${`${name} fake`.padEnd(15)} ${ssh(ctl.port)}`);
  }
  lines.push(
    '',
    `password user   ${lab.users.password.user} / ${lab.users.password.password}   (ssh -p ${lab.sshd.port} ${lab.users.password.user}@127.0.0.1)`,
    `encrypted key   ${lab.users.encryptedKey.keyFile}   passphrase ${lab.users.encryptedKey.passphrase}`,
    `no-sudo user    ${lab.users.noSudo.user} (same key)`,
    `ssh-agent       SSH_AUTH_SOCK=${lab.agent.socket}`,
    `docker          DOCKER_HOST=${lab.docker.host}`,
  );
  return lines.join('\n');
}

const command = process.argv[2] ?? '';
switch (command) {
  case 'up': {
    await runLabScript('up', { output: 'inherit' });
    const lab = readLab();
    if (!lab) throw new Error(`${labJsonPath()} missing after lab.sh up`);
    console.log(summary(lab));
    break;
  }
  case 'down':
    await runLabScript('down', { output: 'inherit' });
    console.log('lab is down');
    break;
  case 'status':
    process.exitCode = spawnSync('bash', [labScript, 'status'], { stdio: 'inherit' }).status ?? 1;
    break;
  default:
    console.error(`usage: node --import tsx test/lab/cli.ts up|down|status   (runs ${labScript})`);
    process.exitCode = 2;
}
