export { FINDING_CODES, type FindingCode, SAFETY_CODES } from './codes.ts';
export type { DiagnoseInput } from './context.ts';
export { diagnose } from './diagnose.ts';
export type { Evidence, Finding, Severity } from './finding.ts';
export { compareSeverity, sortFindings } from './finding.ts';
export { SafetyMonitor } from './safety/monitor.ts';
export { type WhyOptions, whyNotCommitted } from './why.ts';
