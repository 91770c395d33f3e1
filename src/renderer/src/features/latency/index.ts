/** The Latency screen; mount it in the shell: `case 'latency': return <LatencyScreen onGoToControllers={() => onGo('controllers')} />`. */
export { LatencyScreen, type LatencyScreenProps } from './LatencyScreen';
