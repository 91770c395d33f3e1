import { describe } from 'node:test';

import { runCases } from './run-cases';
import { platformCases, timeCases } from './time-platform.cases';

describe('time checks T01, T03, T04', () => runCases(timeCases));
describe('platform checks B01, B02', () => runCases(platformCases));
