/**
 * A grep for sources that cannot filter on the controller (Docker's log API has no filter). Same rule as
 * journalctl --grep: case-insensitive unless the pattern has an upper-case letter.
 */
import { AppError } from '../errors';

export function localGrep(pattern: string): (text: string) => boolean {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, /[A-Z]/.test(pattern) ? 'u' : 'iu');
  } catch (error) {
    throw new AppError('INVALID_INPUT', `The grep pattern is not valid (${(error as Error).message}).`, 'Check brackets and special characters, or search for plain words.');
  }
  return (text) => regex.test(text);
}
