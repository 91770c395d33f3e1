import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import type { Composition } from '../../src/main/composition';
import type { ConnectionState } from '../../src/shared/model/controller';
import type { TerminalInfo } from '../../src/shared/model/logs';
import type { AppClient } from '../../src/shared/rpc';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { waitFor } from '../support/wait-for';
import { openLabApp, addLabController } from '../support/lab-app';

describe('embedded terminal (PTY over the shared SSH connection)', () => {
  let lab: Lab;
  let app: Composition;
  let client: AppClient;
  let controllerId: string;
  const output = new Map<string, string>();
  const received = new Map<string, number>();
  const states = new Map<string, TerminalInfo[]>();
  const connection: ConnectionState[] = [];
  /** Sessions whose output the "view" acknowledges. */
  const acking = new Set<string>();

  const text = (id: string): string => output.get(id) ?? '';
  const lastState = (id: string): TerminalInfo | undefined => states.get(id)?.at(-1);
  /** Output since a mark, so a test waits for what its own command printed. */
  const since = (id: string, mark: number): string => text(id).slice(mark);

  async function openShell(): Promise<TerminalInfo> {
    const info = await client.terminal.open(controllerId, { cols: 120, rows: 40 });
    acking.add(info.id);
    await waitFor(() => /\$ $/.test(text(info.id)), 'the shell prompt');
    return info;
  }

  before(async () => {
    lab = await ensureLab();
    ({ app, client } = openLabApp(lab, 'mxrc-term-lab-'));
    client.on('connection.state', (s) => connection.push(s));
    client.on('terminal.state', (s) => states.set(s.id, [...(states.get(s.id) ?? []), s]));
    client.on('terminal.data', (event) => {
      // Each chunk ends on a character boundary, so it decodes on its own (the splitter's promise, tested here).
      output.set(event.sessionId, text(event.sessionId) + new TextDecoder('utf-8', { fatal: true }).decode(event.data));
      received.set(event.sessionId, (received.get(event.sessionId) ?? 0) + event.bytes);
      if (acking.has(event.sessionId)) void client.terminal.ack(event.sessionId, event.bytes);
    });
    controllerId = await addLabController(client, lab, 'systemd', { name: 'Lab systemd controller (terminal)' });
  });

  after(() => app?.shutdown());

  test('stty size follows a resize; UTF-8 output arrives whole', async () => {
    const shell = await openShell();
    assert.equal(shell.state, 'open');
    let mark = text(shell.id).length;
    await client.terminal.write(shell.id, 'stty size\r');
    await waitFor(() => /[\r\n]40 120\r\n/.test(since(shell.id, mark)), '"40 120"');

    await client.terminal.resize(shell.id, { cols: 100, rows: 30 });
    mark = text(shell.id).length;
    await client.terminal.write(shell.id, 'stty size\r');
    await waitFor(() => /[\r\n]30 100\r\n/.test(since(shell.id, mark)), '"30 100" after the resize');
    assert.equal((await client.terminal.list(controllerId)).find((s) => s.id === shell.id)?.cols, 100);

    // 3000 three-byte characters: many SSH packets, so some characters are cut between chunks.
    mark = text(shell.id).length;
    await client.terminal.write(shell.id, "printf '한%.0s' $(seq 1 3000); echo; echo utf8-end\r");
    await waitFor(() => since(shell.id, mark).includes('\r\nutf8-end\r\n'), 'the UTF-8 burst');
    const burst = since(shell.id, mark);
    assert.equal((burst.match(/한/g) ?? []).length, 3000 + 1, 'every character intact (plus the one in the echoed command)');
    assert.ok(!burst.includes('\uFFFD'), 'no replacement characters');
    await client.terminal.close(shell.id);
    assert.equal(lastState(shell.id)?.state, 'closed');
  });

  test('interactive programs: type into a prompt, drive top and quit it', async () => {
    const shell = await openShell();
    let mark = text(shell.id).length;
    await client.terminal.write(shell.id, 'read -r -p "Name? " who; echo "Hello, $who"\r');
    await waitFor(() => since(shell.id, mark).includes('Name? '), 'the prompt');
    await client.terminal.write(shell.id, 'technician\r');
    await waitFor(() => since(shell.id, mark).includes('Hello, technician'), 'the answer');

    mark = text(shell.id).length;
    // `; echo top-done` reports the shell back whether top quits on q or ends after its 5 bounded refreshes, so no
    // key typed later can end up in top instead of the shell.
    await client.terminal.write(shell.id, 'top -d 1 -n 5; echo top-done\r');
    await waitFor(() => /Tasks:/.test(since(shell.id, mark)), 'top to draw');
    await client.terminal.write(shell.id, 'q');
    await waitFor(() => since(shell.id, mark).includes('top-done\r\n'), 'the shell back after q');
    await client.terminal.close(shell.id);
  });

  test('flow control: a flood the view does not acknowledge is paused at a bounded amount, then completes', async () => {
    const shell = await openShell();
    acking.delete(shell.id);
    const before = received.get(shell.id) ?? 0;
    // 40 MB of output; the marker is computed so the echoed command line cannot match it.
    await client.terminal.write(shell.id, "head -c 40000000 /dev/zero | tr '\\0' a | fold -w 200; echo flood-$((40+2))-end\r");
    await waitFor(() => lastState(shell.id)?.throttled === true, 'the session to be throttled');
    let previous = -1;
    await waitFor(
      () => {
        const now = received.get(shell.id) ?? 0;
        const same = now === previous;
        previous = now;
        return same;
      },
      'output to stop growing',
      20_000,
      500,
    );
    const sent = previous - before;
    assert.ok(sent < 8 * 1024 * 1024, `bounded while unacknowledged: ${sent} bytes of 40 MB reached the view`);

    acking.add(shell.id);
    await client.terminal.ack(shell.id, previous - before);
    await waitFor(() => text(shell.id).includes('flood-42-end'), 'the flood to finish once acknowledged', 120_000);
    assert.equal(lastState(shell.id)?.throttled, false);
    await client.terminal.close(shell.id);
  });

  test('record a session (asciicast), save the buffer, re-attach with a replay', async () => {
    const shell = await openShell();
    const recording = await client.terminal.record(shell.id, true);
    assert.match(recording.recording ?? '', /shell(-\d+)?-recording\.cast$/);
    const mark = text(shell.id).length;
    await client.terminal.write(shell.id, 'echo recorded-$((6*7))\r');
    await waitFor(() => since(shell.id, mark).includes('recorded-42'), 'the recorded output');
    const stopped = await client.terminal.record(shell.id, false);
    assert.equal(stopped.recording, undefined);
    const cast = readFileSync(recording.recording ?? '', 'utf8').trim().split('\n');
    const header = JSON.parse(cast[0] ?? '{}') as { version: number; width: number; height: number };
    assert.deepEqual([header.version, header.width, header.height], [2, 120, 40]);
    const events = cast.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    assert.ok(events.every(([t, kind]) => t >= 0 && kind === 'o'));
    assert.ok(events.map((e) => e[2]).join('').includes('recorded-42'));

    const attached = await client.terminal.attach(shell.id);
    assert.ok(attached.data.includes('recorded-42'), 'the replay holds recent output');
    assert.ok(attached.lastSeq > 0);

    const saved = await client.terminal.save(shell.id, 'mxrc@vm:~$ echo recorded-$((6*7))\nrecorded-42\n');
    assert.equal(readFileSync(saved.path, 'utf8'), 'mxrc@vm:~$ echo recorded-$((6*7))\nrecorded-42\n');
    assert.equal(saved.lines, 2);
    assert.match(saved.path, /logs.*shell(-\d+)?\.txt$/);
    await client.terminal.close(shell.id);
  });

  test('a dropped link: the tab says so; after the reconnect Enter opens a new shell', async () => {
    const shell = await openShell();
    const host = app.connections.hostFor(controllerId);
    const sessionPid = (await host.exec('echo $PPID')).stdout.trim();
    connection.length = 0;
    await host.exec(`sudo -n kill -9 ${sessionPid}`).catch(() => undefined);
    await waitFor(() => lastState(shell.id)?.state === 'disconnected', 'the shell to be marked disconnected');
    assert.match(text(shell.id), /connection to the controller lost/);
    await waitFor(() => connection.at(-1)?.status === 'connected', 'the reconnect', 60_000);

    const mark = text(shell.id).length;
    await client.terminal.write(shell.id, '\r');
    await waitFor(() => lastState(shell.id)?.state === 'open', 'a new shell');
    await waitFor(() => /\$ $/.test(since(shell.id, mark)), 'its prompt');
    await client.terminal.write(shell.id, 'echo back-$((1+1))\r');
    await waitFor(() => since(shell.id, mark).includes('back-2'), 'the new shell to answer');

    const exitMark = text(shell.id).length;
    await client.terminal.write(shell.id, 'exit 3\r');
    await waitFor(() => lastState(shell.id)?.state === 'exited', 'the shell to exit');
    assert.equal(lastState(shell.id)?.exitCode, 3);
    assert.match(since(shell.id, exitMark), /shell exited with code 3/);
    await client.terminal.close(shell.id);
  });
});
