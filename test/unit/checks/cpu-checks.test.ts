import { describe } from 'node:test';

import { cpuCases } from './cpu.cases';
import { runCases } from './run-cases';

describe('CPU checks C01–C07', () => runCases(cpuCases));
