import { describe } from 'node:test';

import { dockerCases } from './docker.cases';
import { runCases } from './run-cases';

describe('service and Docker checks D01–D07', () => runCases(dockerCases));
