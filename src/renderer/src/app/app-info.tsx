import type { ReactNode } from 'react';
import { createContext, useContext } from 'react';

import type { AppInfo } from '../../../shared/contract';
import { useApi } from '../api/api-context';
import { useRequest } from '../api/use-request';

const AppInfoContext = createContext<AppInfo | undefined>(undefined);

/** `app.info()` once per window: mode, version, whether a keyring can hold secrets. */
export function AppInfoProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const { data } = useRequest(() => api.app.info(), [api]);
  return <AppInfoContext value={data}>{children}</AppInfoContext>;
}

/** Undefined until the answer arrives (or when the server could not say). */
export function useAppInfo(): AppInfo | undefined {
  return useContext(AppInfoContext);
}
