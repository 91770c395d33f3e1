import { checkTextKo } from './catalogue-ko';

/**
 * A check's title and explanation in the technician's language. Results keep the English text they were
 * recorded with; the view and the report translate by check id, so a run recorded in one language reads in
 * the other. Unknown ids (a newer catalogue's results) keep their recorded text.
 */
export function checkTitle(id: string, language: string, recorded: string): string {
  return isKorean(language) ? (checkTextKo[id]?.title ?? recorded) : recorded;
}

export function checkWhy(id: string, language: string, recorded: string): string {
  return isKorean(language) ? (checkTextKo[id]?.why ?? recorded) : recorded;
}

function isKorean(language: string): boolean {
  return language === 'ko' || language.startsWith('ko-');
}
