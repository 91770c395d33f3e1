import type { AppEvents, EventSink, EventTopic } from '../../shared/contract';

export type EventListener = (topic: EventTopic, payload: AppEvents[EventTopic]) => void;

/** Services emit typed events here; each transport (IPC, WebSocket, CLI) subscribes. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  readonly emit: EventSink = (topic, payload) => {
    for (const listener of this.listeners) listener(topic, payload);
  };

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
