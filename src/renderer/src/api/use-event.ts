import { useEffect, useRef } from 'react';

import type { AppEvents, EventTopic } from '../../../shared/contract';
import { useApi } from './api-context';

/** Subscribe to a pushed event for the component's lifetime; the latest handler is always the one called. */
export function useEvent<T extends EventTopic>(topic: T, handler: (payload: AppEvents[T]) => void): void {
  const api = useApi();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => api.on(topic, (payload) => latest.current(payload)), [api, topic]);
}
