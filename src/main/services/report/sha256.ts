import { createHash } from 'node:crypto';

import type { Sha256Hex } from '../../../shared/report';

/** The hash the pure report code is given on the Node side. */
export const sha256Hex: Sha256Hex = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
