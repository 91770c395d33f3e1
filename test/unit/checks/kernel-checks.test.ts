import { describe } from 'node:test';

import { kernelCases } from './kernel.cases';
import { runCases } from './run-cases';

describe('kernel checks K01–K13', () => runCases(kernelCases));
