import { describe } from 'node:test';

import { interruptCases } from './interrupt.cases';
import { runCases } from './run-cases';

describe('interrupt checks I02–I06', () => runCases(interruptCases));
