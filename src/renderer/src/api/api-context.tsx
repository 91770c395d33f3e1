import type { ReactNode } from 'react';
import { createContext, useContext } from 'react';

import type { AppClient } from '../../../shared/rpc';

const ApiContext = createContext<AppClient | null>(null);

/** Puts the client in context so components never reach for globals (and tests can pass a fake). */
export function ApiProvider({ client, children }: { client: AppClient; children: ReactNode }) {
  return <ApiContext value={client}>{children}</ApiContext>;
}

export function useApi(): AppClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi() outside <ApiProvider>');
  return client;
}
