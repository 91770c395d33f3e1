export { LogsScreen } from './LogsScreen';
