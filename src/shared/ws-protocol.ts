/**
 * Browser mode carries the contract over one WebSocket. Frames are JSON; requests are matched to results by id.
 * The page is served at `/?token=<per-launch token>`; the server answers with an HttpOnly cookie so that assets
 * and the WebSocket (`/rpc`) are authorised without the token showing up in the page.
 *
 * Events that carry bytes (terminal output) go as binary frames instead, so a flood of output is neither escaped
 * into JSON nor decoded into a string on the way: `[u32 header length][header JSON][bytes of each blob field]`.
 * The Electron transport needs none of this: its IPC clones `Uint8Array`s as they are.
 */
import type { Wire } from './rpc';

export const wsPath = '/rpc';
export const tokenCookie = 'mxrc_token';

export type ClientFrame = { type: 'invoke'; id: number; service: string; method: string; args: unknown[] };

export type ServerFrame = { type: 'result'; id: number; wire: Wire } | { type: 'event'; topic: string; payload: unknown };

interface BinaryHeader {
  topic: string;
  /** The payload without its byte fields. */
  payload: Record<string, unknown>;
  /** Byte fields in the order their bytes follow the header: [field, length]. */
  blobs: [string, number][];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** A frame as the server sends it: JSON text, or a binary frame when an event's payload has top-level byte fields. */
export function encodeServerFrame(frame: ServerFrame): string | Uint8Array {
  if (frame.type !== 'event' || !isPlainObject(frame.payload)) return JSON.stringify(frame);
  const payload: Record<string, unknown> = {};
  const blobs: [string, Uint8Array][] = [];
  for (const [key, value] of Object.entries(frame.payload)) {
    if (value instanceof Uint8Array) blobs.push([key, value]);
    else payload[key] = value;
  }
  if (blobs.length === 0) return JSON.stringify(frame);
  const header: BinaryHeader = { topic: frame.topic, payload, blobs: blobs.map(([key, bytes]) => [key, bytes.length]) };
  const headerBytes = encoder.encode(JSON.stringify(header));
  const total = 4 + headerBytes.length + blobs.reduce((sum, [, bytes]) => sum + bytes.length, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, headerBytes.length);
  out.set(headerBytes, 4);
  let offset = 4 + headerBytes.length;
  for (const [, bytes] of blobs) {
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

/** The inverse of `encodeServerFrame`; byte fields come back as views into the received buffer (no copy). */
export function decodeServerFrame(data: string | ArrayBuffer | Uint8Array): ServerFrame {
  if (typeof data === 'string') return JSON.parse(data) as ServerFrame;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 4) throw new Error('truncated binary frame');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (4 + headerLength > bytes.length) throw new Error('truncated binary frame');
  const header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerLength))) as BinaryHeader;
  const payload: Record<string, unknown> = { ...header.payload };
  let offset = 4 + headerLength;
  for (const [key, length] of header.blobs) {
    if (offset + length > bytes.length) throw new Error('truncated binary frame');
    payload[key] = bytes.subarray(offset, offset + length);
    offset += length;
  }
  return { type: 'event', topic: header.topic, payload };
}
