/**
 * Browser mode carries the contract over one WebSocket. Frames are JSON; requests are matched to results by id.
 * The page is served at `/?token=<per-launch token>`; the server answers with an HttpOnly cookie so that assets
 * and the WebSocket (`/rpc`) are authorised without the token showing up in the page.
 */
import type { Wire } from './rpc';

export const wsPath = '/rpc';
export const tokenCookie = 'mxrc_token';

export type ClientFrame = { type: 'invoke'; id: number; service: string; method: string; args: unknown[] };

export type ServerFrame = { type: 'result'; id: number; wire: Wire } | { type: 'event'; topic: string; payload: unknown };
