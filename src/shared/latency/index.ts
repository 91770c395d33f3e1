/**
 * Latency measurement (checklist §9–§10): cyclictest/rtla command lines, output parsers, statistics and verdicts.
 * Pure functions only — runs on the main process, in the renderer and in the CLI alike.
 */
export * from './cyclictest-types';
export { parseCyclictestOutput } from './cyclictest-parser';
export { readCommandFacts, cpuForThread, tokenizeCommand, type CyclictestCommandFacts } from './cyclictest-cmdline';
export { sanitizeNonFinite } from './cyclictest-json';
export * from './cyclictest-command';
export * from './duration';
export * from './histogram-stats';
export * from './latency-verdict';
export * from './rtla-types';
export { parseRtlaTimerlatOutput } from './rtla-parser';
export * from './live-status';
export * from './latency-json';
