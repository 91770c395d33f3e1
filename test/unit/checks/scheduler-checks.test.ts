import { describe } from 'node:test';

import { runCases } from './run-cases';
import { schedulerCases } from './scheduler.cases';

describe('scheduler checks S01–S09', () => runCases(schedulerCases));
