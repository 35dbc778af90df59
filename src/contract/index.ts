// The "./contract" entry: learn the contract from recorded traffic, verify a consumer's calls.
// Nothing here needs the optional peers (yaml, jsonpath-rfc9535): only the bin's YAML output and
// `learn --apply` do.
export type { Evidence, Finding, Learned, LearnOptions } from "./findings.js";
export { type LearnResult, learn, learnSummary } from "./learn.js";
export type { Overlay, OverlayAction } from "./overlay.js";
export { formatReport, type ReportFormat, reportFormats } from "./report-formats.js";
export { packagedBundle, Spec } from "./spec.js";
export { readTraffic, type TrafficKind } from "./traffic.js";
export { type VerifyReport, type Violation, verify } from "./verify.js";
