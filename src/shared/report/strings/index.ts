import type { ReportLanguage } from '../../model/report';
import type { ReportStrings } from './en';
import { en } from './en';
import { ko } from './ko';

export type { ReportStrings } from './en';

const catalogues: Readonly<Record<ReportLanguage, ReportStrings>> = { en, ko };

export function reportStrings(language: ReportLanguage): ReportStrings {
  return catalogues[language];
}

/** Fills `{name}` placeholders; an unknown name stays visible rather than silently vanishing. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}
