import type { Readable } from 'node:stream';

import type { ContainerCreateOptions, HealthcheckOptions } from '../../shared/model/deploy';

/**
 * The few Docker Engine calls deployment needs. Services depend on this interface; the dockerode adapter
 * (dockerode-engine.ts) reaches the controller's engine through the shared SSH connection.
 */
export interface ContainerHealthLog {
  start: string;
  end: string;
  exitCode: number;
  output: string;
}

export interface ContainerInspect {
  id: string;
  /** Without the leading slash. */
  name: string;
  /** The image reference the container was created with. */
  image: string;
  /** sha256:… of the image it runs. */
  imageId: string;
  state: {
    status: string;
    running: boolean;
    restarting: boolean;
    exitCode: number;
    error: string;
    startedAt: string;
    finishedAt: string;
    health?: { status: string; failingStreak: number; log: ContainerHealthLog[] };
  };
  restartCount: number;
  labels: Record<string, string>;
  healthcheck?: HealthcheckOptions;
  /** Seconds Docker waits after SIGTERM (Config.StopTimeout). */
  stopTimeout?: number;
  hostConfig: {
    networkMode: string;
    cpusetCpus: string;
    memory: number;
    memoryReservation: number;
    binds: string[];
    restartPolicy: { name: string; maximumRetryCount: number };
    logType: string;
  };
}

export interface LoadImageResult {
  /** `Loaded image: repo:tag` lines. */
  loadedRefs: string[];
  /** `Loaded image ID: sha256:…` lines (untagged images). */
  loadedIds: string[];
  /** Every message of the load stream, for the evidence. */
  messages: string[];
}

export interface DockerEngine {
  readonly transport: 'streamlocal' | 'dial-stdio';
  ping(): Promise<void>;
  version(): Promise<{ version: string; apiVersion: string }>;
  /**
   * POST /images/load with `body` as the request. Completion and errors arrive inside the response stream
   * (dockerode#724): this reads it to the end and rejects on any error message.
   */
  loadImage(body: Readable, opts?: { signal?: AbortSignal }): Promise<LoadImageResult>;
  /** null when there is no such image. */
  inspectImage(ref: string): Promise<{ id: string; repoTags: string[] } | null>;
  removeImage(ref: string): Promise<void>;
  /** null when there is no such container. */
  inspectContainer(nameOrId: string): Promise<ContainerInspect | null>;
  createContainer(options: ContainerCreateOptions): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutS: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  setRestartPolicy(id: string, policy: { Name: string; MaximumRetryCount?: number }): Promise<void>;
  /** The last lines of stdout+stderr (non-TTY streams demultiplexed). */
  logs(id: string, tail: number): Promise<string>;
  close(): void;
}
