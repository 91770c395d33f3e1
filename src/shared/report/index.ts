export { buildReport, latencyRoles, latestProbe, reportCheckRun, type LatencyRoles, type ReportBuildInput, type VisitRecords } from './build-report';
export { canonicalJson, CanonicalJsonError, stableJson } from './canonical-json';
export { compareVisits, visitSnapshot, type VisitSnapshot } from './drift';
export { cmdlineParams, identityFromChecks, mergeIdentity, probeEvidence, sysctlValues, unitLines } from './evidence';
export { reportDataHash, reportHtmlText, reportJsonText, sealReport, verifyReportText, type Sha256Hex } from './integrity';
export { documentHashPlaceholder, renderReportHtml, reportFooterText } from './render-html';
export { fill, reportStrings, type ReportStrings } from './strings';
