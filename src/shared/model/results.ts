/** What the laptop keeps of a commissioning visit, per controller and per visit. */
export const resultKinds = ['check-run', 'latency-run', 'deployment', 'log', 'probe'] as const;
export type ResultKind = (typeof resultKinds)[number];

export interface ResultRef {
  controller: string;
  visit: string;
  kind: ResultKind;
  id: string;
}

export interface ResultSummary extends ResultRef {
  createdAt: string;
  /** One line for history lists, e.g. "42 checks: 3 fail" or "max 18 µs (pass)". */
  title: string;
  verdict?: 'pass' | 'warn' | 'fail' | 'error' | 'info';
  attachments: string[];
}

export interface StoredResult<T = unknown> extends ResultSummary {
  schemaVersion: 1;
  data: T;
}

export interface VisitSummary {
  controller: string;
  visit: string;
  firstAt: string;
  lastAt: string;
  counts: Partial<Record<ResultKind, number>>;
}
