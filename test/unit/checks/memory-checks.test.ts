import { describe } from 'node:test';

import { memoryCases } from './memory.cases';
import { runCases } from './run-cases';

describe('memory checks M01–M05', () => runCases(memoryCases));
