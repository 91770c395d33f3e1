import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';

import { formatCpuList, parseCpuList } from '../cpu-list';
import { AppError } from '../errors';
import type { ComposeMapping, ComposeNote, ContainerCreateOptions, ContainerHostConfig, HealthcheckOptions } from '../model/deploy';
import { deployLabels } from '../model/deploy';
import { parseByteSize, parseDurationNs } from './compose-values';

/**
 * A docker-compose file (one service) → Docker Engine API create options. The tool does not run Compose on the
 * controller; it maps the keys it understands and refuses every other key by name, so nothing a technician wrote
 * is silently dropped.
 */
export interface ComposeContext {
  /** The controller profile's housekeeping cores; they replace `cpuset` when they differ. */
  housekeepingCores: string;
  /** SHA-256 (hex) of the compose text, computed by the caller. */
  composeHash: string;
  /** Profile override for the health URL. */
  healthUrl?: string;
}

export const defaultHealthPath = '/api/health/live';
export const defaultWebapiPort = 8080;

/** Keys of a service the mapping understands. Anything else is an error that names the key. */
export const supportedServiceKeys = [
  'image',
  'container_name',
  'network_mode',
  'restart',
  'cpuset',
  'mem_limit',
  'mem_reservation',
  'volumes',
  'environment',
  'logging',
  'healthcheck',
  'build',
  'command',
  'entrypoint',
  'labels',
  'user',
  'working_dir',
  'stop_signal',
  'stop_grace_period',
] as const;

const healthcheckKeys = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'disable']);
const loggingKeys = new Set(['driver', 'options']);
const volumeLongKeys = new Set(['type', 'source', 'target', 'read_only']);
const containerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/**
 * A Docker image reference ([registry[:port]/]name[/name…][:tag][@sha256:digest], Docker's own grammar). It goes
 * into Docker API paths (/images/REF/json) as it is, so nothing else may: no "..", "?", spaces or quotes.
 */
const domainComponent = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const imageReferencePattern = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?/)?${pathComponent}(?:/${pathComponent})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

interface Problem {
  key: string;
  line?: number;
  message: string;
}

/** Line numbers of every key path ("services.webapi.ports") in the document, for messages a person can act on. */
function keyLines(root: Node | null, counter: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const full = path ? `${path}.${key}` : key;
        const offset = pair.key.range?.[0];
        if (offset !== undefined) lines.set(full, counter.linePos(offset).line);
        walk(pair.value, full);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, `${path}[${index}]`));
    }
  };
  walk(root, '');
  return lines;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compose interpolates `${VAR}`/`$VAR` from the shell it runs in; this tool has no such shell, so it refuses them. */
function literal(value: string, key: string, problems: Problem[]): string {
  const withoutEscapes = value.replace(/\$\$/g, '');
  if (/\$(\{|[A-Za-z_])/.test(withoutEscapes)) {
    problems.push({ key, message: `uses variable substitution (${value}), which this tool does not perform; write the value itself` });
  }
  return value.replace(/\$\$/g, '$');
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Compose's string form of command/entrypoint: split like a shell would, without running one. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] ?? '')) current += text[++i] ?? '';
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error('unterminated quote');
  if (inWord) words.push(current);
  return words;
}

function stringList(value: unknown, key: string, problems: Problem[]): string[] | undefined {
  if (typeof value === 'string') {
    try {
      return splitShellWords(literal(value, key, problems));
    } catch {
      problems.push({ key, message: 'has an unterminated quote' });
      return undefined;
    }
  }
  if (Array.isArray(value) && value.every((v) => scalarText(v) !== null)) return value.map((v) => literal(scalarText(v) ?? '', key, problems));
  problems.push({ key, message: 'must be a string or a list of strings' });
  return undefined;
}

function keyValueMap(value: unknown, key: string, problems: Problem[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalarText(item);
      const eq = text?.indexOf('=') ?? -1;
      if (text === null || eq <= 0) {
        problems.push({ key, message: `entry ${JSON.stringify(item)} is not NAME=value${what === 'environment' ? ' (a name without a value would be taken from the shell running Compose, which this tool does not have)' : ''}` });
        continue;
      }
      out[text.slice(0, eq)] = literal(text.slice(eq + 1), `${key}.${text.slice(0, eq)}`, problems);
    }
    return out;
  }
  if (isRecord(value)) {
    for (const [name, raw] of Object.entries(value)) {
      const text = scalarText(raw);
      if (text === null) {
        problems.push({ key: `${key}.${name}`, message: raw === null ? 'has no value (Compose would take it from its own shell; write the value)' : 'must be a string, number or boolean' });
        continue;
      }
      out[name] = literal(text, `${key}.${name}`, problems);
    }
    return out;
  }
  problems.push({ key, message: `must be a map or a list of NAME=value (${what})` });
  return out;
}

function restartPolicy(value: unknown, key: string, problems: Problem[]): ContainerHostConfig['RestartPolicy'] {
  const text = value === false ? 'no' : scalarText(value);
  if (text === 'no' || text === 'always' || text === 'unless-stopped') return { Name: text };
  const onFailure = text ? /^on-failure(?::(\d+))?$/.exec(text) : null;
  if (onFailure) return onFailure[1] ? { Name: 'on-failure', MaximumRetryCount: Number(onFailure[1]) } : { Name: 'on-failure' };
  problems.push({ key, message: `"${String(value)}" is not a restart policy (no, always, unless-stopped, on-failure[:N])` });
  return { Name: 'no' };
}

function binds(value: unknown, key: string, problems: Problem[]): string[] {
  if (!Array.isArray(value)) {
    problems.push({ key, message: 'must be a list' });
    return [];
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    const itemKey = `${key}[${index}]`;
    let source: string;
    let target: string;
    let readOnly: boolean;
    if (typeof item === 'string') {
      const parts = literal(item, itemKey, problems).split(':');
      if (parts.length < 2 || parts.length > 3) {
        problems.push({ key: itemKey, message: `"${item}" is not HOST_PATH:CONTAINER_PATH[:ro|rw]` });
        return;
      }
      source = parts[0] ?? '';
      target = parts[1] ?? '';
      const mode = parts[2];
      if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
        problems.push({ key: itemKey, message: `mode "${mode}" is not supported (use ro or rw)` });
        return;
      }
      readOnly = mode === 'ro';
    } else if (isRecord(item)) {
      for (const sub of Object.keys(item)) if (!volumeLongKeys.has(sub)) problems.push({ key: `${itemKey}.${sub}`, message: 'is not supported' });
      if (item.type !== 'bind') {
        problems.push({ key: `${itemKey}.type`, message: `only bind mounts are supported (got ${JSON.stringify(item.type)})` });
        return;
      }
      source = literal(scalarText(item.source) ?? '', `${itemKey}.source`, problems);
      target = literal(scalarText(item.target) ?? '', `${itemKey}.target`, problems);
      readOnly = item.read_only === true;
    } else {
      problems.push({ key: itemKey, message: 'must be a string or a map' });
      return;
    }
    if (!source.startsWith('/')) {
      problems.push({ key: itemKey, message: `source "${source}" must be an absolute path on the controller (named volumes are not supported)` });
      return;
    }
    if (!target.startsWith('/')) {
      problems.push({ key: itemKey, message: `target "${target}" must be an absolute path in the container` });
      return;
    }
    out.push(readOnly ? `${source}:${target}:ro` : `${source}:${target}`);
  });
  return out;
}

function healthcheck(value: unknown, key: string, problems: Problem[]): HealthcheckOptions | undefined {
  if (!isRecord(value)) {
    problems.push({ key, message: 'must be a map' });
    return undefined;
  }
  for (const sub of Object.keys(value)) if (!healthcheckKeys.has(sub)) problems.push({ key: `${key}.${sub}`, message: 'is not supported' });
  if (value.disable === true) return { Test: ['NONE'] };
  const out: HealthcheckOptions = { Test: [] };
  const test = value.test;
  if (typeof test === 'string') out.Test = ['CMD-SHELL', literal(test, `${key}.test`, problems)];
  else if (Array.isArray(test) && test.length > 0 && test.every((t) => typeof t === 'string')) {
    const [kind, ...rest] = test;
    if (kind !== 'CMD' && kind !== 'CMD-SHELL' && kind !== 'NONE') problems.push({ key: `${key}.test`, message: 'must start with CMD, CMD-SHELL or NONE' });
    out.Test = [kind ?? 'CMD', ...rest.map((r) => literal(r, `${key}.test`, problems))];
  } else problems.push({ key: `${key}.test`, message: 'must be a string or a list starting with CMD/CMD-SHELL' });
  for (const [name, field] of [
    ['interval', 'Interval'],
    ['timeout', 'Timeout'],
    ['start_period', 'StartPeriod'],
  ] as const) {
    if (value[name] === undefined) continue;
    const ns = parseDurationNs(value[name]);
    if (ns === null) problems.push({ key: `${key}.${name}`, message: `"${scalarText(value[name]) ?? typeof value[name]}" is not a duration (e.g. 30s, 1m30s)` });
    else out[field] = ns;
  }
  if (value.retries !== undefined) {
    if (typeof value.retries === 'number' && Number.isInteger(value.retries) && value.retries >= 0) out.Retries = value.retries;
    else problems.push({ key: `${key}.retries`, message: 'must be a whole number' });
  }
  return out;
}

function cpuSet(text: string): number[] | null {
  try {
    const cpus = parseCpuList(text);
    return cpus.length > 0 ? cpus : null;
  } catch {
    return null;
  }
}

/** The health URL the tool probes: profile override, then `x-mxrc.health_url`, then PORT from the environment. */
function healthUrlFor(env: Record<string, string>, extension: unknown, ctx: ComposeContext, problems: Problem[], serviceKey: string): string {
  if (ctx.healthUrl) return ctx.healthUrl;
  if (isRecord(extension) && extension.health_url !== undefined) {
    const url = scalarText(extension.health_url);
    if (url && /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(url)) return url;
    problems.push({ key: `${serviceKey}.x-mxrc.health_url`, message: 'must be an http://localhost:PORT/... URL on the controller' });
  }
  const port = env.PORT !== undefined && /^\d{1,5}$/.test(env.PORT) ? Number(env.PORT) : defaultWebapiPort;
  return `http://localhost:${port}${defaultHealthPath}`;
}

export function mapCompose(text: string, ctx: ComposeContext): ComposeMapping {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0].line;
    throw new AppError('INVALID_INPUT', `The compose file is not valid YAML${line ? ` (line ${line})` : ''}: ${first?.message.split('\n')[0] ?? 'parse error'}`, 'Fix the file and choose it again.');
  }
  const lines = keyLines(doc.contents, counter);
  const problems: Problem[] = [];
  const notes: ComposeNote[] = [];
  const adaptations: ComposeNote[] = [];
  const at = (key: string): { key: string; line?: number } => {
    const line = lines.get(key);
    return line === undefined ? { key } : { key, line };
  };

  const root: unknown = doc.toJS();
  if (!isRecord(root)) throw new AppError('INVALID_INPUT', 'The compose file does not contain a map of settings.', 'Choose a docker-compose.yml file.');
  for (const key of Object.keys(root)) {
    if (key === 'services') continue;
    if (key === 'version' || key === 'name') notes.push({ ...at(key), message: `${key}: read, not used (Compose metadata; the tool creates the container through the Docker API)` });
    else if (key.startsWith('x-')) notes.push({ ...at(key), message: `${key}: extension field, not used` });
    else problems.push({ ...at(key), message: 'is not supported (only one service with the keys this tool maps)' });
  }
  const services = root.services;
  if (!isRecord(services) || Object.keys(services).length !== 1) {
    const count = isRecord(services) ? Object.keys(services).length : 0;
    throw new AppError('INVALID_INPUT', `The compose file must define exactly one service under "services" (found ${count}).`, 'The WebAPI is one container: keep only its service in the file.');
  }
  const [serviceName, serviceValue] = Object.entries(services)[0] as [string, unknown];
  const base = `services.${serviceName}`;
  if (!isRecord(serviceValue)) throw new AppError('INVALID_INPUT', `Service "${serviceName}" has no settings.`);
  const svc = serviceValue;
  const supported = new Set<string>(supportedServiceKeys);
  for (const key of Object.keys(svc)) {
    if (key === 'x-mxrc') continue;
    if (key.startsWith('x-')) notes.push({ ...at(`${base}.${key}`), message: `${key}: extension field, not used` });
    else if (!supported.has(key)) problems.push({ ...at(`${base}.${key}`), message: 'is not supported by this tool' });
  }

  const need = (key: string): string | null => {
    const value = scalarText(svc[key]);
    if (value === null || value === '') {
      problems.push({ ...at(`${base}.${key}`), key: `${base}.${key}`, message: 'is required' });
      return null;
    }
    return literal(value, `${base}.${key}`, problems);
  };

  const image = need('image') ?? '';
  if (image !== '' && !imageReferencePattern.test(image)) problems.push({ ...at(`${base}.image`), message: `"${image}" is not a Docker image reference (e.g. mxrc/webapi:1.4.2)` });
  let name = serviceName;
  if (svc.container_name !== undefined) {
    name = scalarText(svc.container_name) ?? '';
    if (!containerNamePattern.test(name)) problems.push({ ...at(`${base}.container_name`), message: `"${name}" is not a valid container name` });
  } else if (!containerNamePattern.test(name)) {
    // It goes into Docker API paths (/containers/NAME/json) as it is: only a valid container name may.
    problems.push({ ...at(base), message: `the service name "${name}" is not a valid container name: rename the service or set container_name` });
  } else {
    adaptations.push({ key: `${base}.container_name`, message: `no container_name: the container is named after the service, "${serviceName}"` });
  }

  const networkMode = scalarText(svc.network_mode);
  if (networkMode !== 'host') {
    problems.push({
      ...at(`${base}.network_mode`),
      message: networkMode === null ? 'is missing: the WebAPI must run with network_mode: host (seed §2.4)' : `"${networkMode}" is not supported: the WebAPI must run with network_mode: host (seed §2.4)`,
    });
  }

  const hostConfig: ContainerHostConfig = {
    NetworkMode: 'host',
    RestartPolicy: svc.restart === undefined ? { Name: 'no' } : restartPolicy(svc.restart, `${base}.restart`, problems),
    Binds: svc.volumes === undefined ? [] : binds(svc.volumes, `${base}.volumes`, problems),
  };

  // cpuset: the controller's housekeeping cores win, so the WebAPI never lands on an RT core.
  const housekeeping = cpuSet(ctx.housekeepingCores);
  if (!housekeeping) throw new AppError('INVALID_INPUT', `The controller profile's housekeeping cores "${ctx.housekeepingCores}" are not a CPU list.`);
  const wanted = formatCpuList(housekeeping);
  if (svc.cpuset === undefined) {
    adaptations.push({ key: `${base}.cpuset`, message: `cpuset not set: pinned to the profile's housekeeping cores ${wanted}` });
    hostConfig.CpusetCpus = wanted;
  } else {
    const given = scalarText(svc.cpuset) ?? '';
    const cpus = cpuSet(given);
    if (!cpus) problems.push({ ...at(`${base}.cpuset`), message: `"${given}" is not a CPU list` });
    else if (formatCpuList(cpus) !== wanted) {
      adaptations.push({ ...at(`${base}.cpuset`), message: `cpuset "${given}" replaced by the profile's housekeeping cores ${wanted}` });
      hostConfig.CpusetCpus = wanted;
    } else hostConfig.CpusetCpus = given;
  }

  for (const [key, field] of [
    ['mem_limit', 'Memory'],
    ['mem_reservation', 'MemoryReservation'],
  ] as const) {
    if (svc[key] === undefined) continue;
    const bytes = parseByteSize(svc[key]);
    if (bytes === null) problems.push({ ...at(`${base}.${key}`), message: `"${scalarText(svc[key]) ?? typeof svc[key]}" is not a size (e.g. 512m, 1g)` });
    else hostConfig[field] = bytes;
  }
  if (hostConfig.Memory !== undefined && hostConfig.MemoryReservation !== undefined && hostConfig.MemoryReservation > hostConfig.Memory) {
    problems.push({ ...at(`${base}.mem_reservation`), message: 'is larger than mem_limit' });
  }

  if (svc.logging !== undefined) {
    const logging = svc.logging;
    if (!isRecord(logging) || typeof logging.driver !== 'string') problems.push({ ...at(`${base}.logging`), message: 'must be a map with a driver' });
    else {
      for (const sub of Object.keys(logging)) if (!loggingKeys.has(sub)) problems.push({ ...at(`${base}.logging.${sub}`), message: 'is not supported' });
      hostConfig.LogConfig = { Type: logging.driver, Config: logging.options === undefined ? {} : keyValueMap(logging.options, `${base}.logging.options`, problems, 'logging options') };
    }
  }

  const env = svc.environment === undefined ? {} : keyValueMap(svc.environment, `${base}.environment`, problems, 'environment');
  const labels = svc.labels === undefined ? {} : keyValueMap(svc.labels, `${base}.labels`, problems, 'labels');
  for (const reserved of Object.values(deployLabels)) {
    if (reserved in labels) problems.push({ ...at(`${base}.labels`), message: `label ${reserved} is written by the tool itself` });
  }

  const options: ContainerCreateOptions = {
    name,
    Image: image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    HostConfig: hostConfig,
  };
  if (svc.command !== undefined) {
    const cmd = stringList(svc.command, `${base}.command`, problems);
    if (cmd) options.Cmd = cmd;
  }
  if (svc.entrypoint !== undefined) {
    const entry = stringList(svc.entrypoint, `${base}.entrypoint`, problems);
    if (entry) options.Entrypoint = entry;
  }
  for (const [key, field] of [
    ['user', 'User'],
    ['working_dir', 'WorkingDir'],
    ['stop_signal', 'StopSignal'],
  ] as const) {
    if (svc[key] === undefined) continue;
    const value = scalarText(svc[key]);
    if (value === null) problems.push({ ...at(`${base}.${key}`), message: 'must be a string' });
    else options[field] = literal(value, `${base}.${key}`, problems);
  }
  if (svc.stop_grace_period !== undefined) {
    const ns = parseDurationNs(svc.stop_grace_period);
    if (ns === null) problems.push({ ...at(`${base}.stop_grace_period`), message: 'is not a duration' });
    else options.StopTimeout = Math.ceil(ns / 1e9);
  }
  if (svc.healthcheck !== undefined) {
    const hc = healthcheck(svc.healthcheck, `${base}.healthcheck`, problems);
    if (hc) options.Healthcheck = hc;
  }
  if (svc.build !== undefined) {
    notes.push({ ...at(`${base}.build`), message: 'build: not used — the image comes from the archive you chose, nothing is built on the controller' });
  }

  const healthUrl = healthUrlFor(env, svc['x-mxrc'], ctx, problems, base);

  if (problems.length > 0) {
    const lines = problems.map((p) => {
      const line = p.line ?? at(p.key).line;
      return `${p.key}${line ? ` (line ${line})` : ''} ${p.message}`;
    });
    throw new AppError(
      'INVALID_INPUT',
      `The compose file cannot be deployed as it is: ${lines.join('; ')}.`,
      'Change or remove these keys; the tool never drops a setting silently.',
      { problems: problems.map((p) => ({ ...p, line: p.line ?? at(p.key).line })) },
    );
  }
  return { service: serviceName, options, notes, adaptations, healthUrl, composeHash: ctx.composeHash };
}
