import './i18n/i18n';
import './styles/theme.css';
import './styles/app.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { getClient } from './api/client';
import { App } from './app/App';
import { applyTheme } from './app/theme';

applyTheme();

// Browser mode opens at /?token=…; the server has answered with a cookie, so the token leaves the address bar
// (and with it screenshots, history and anyone reading over a shoulder).
if (new URLSearchParams(location.search).has('token')) {
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App client={getClient()} />
  </StrictMode>,
);
