// The "./contract" entry: learn the contract from recorded traffic, verify a consumer's calls.

export { applyToSource } from "./apply-source.js";
export type { Evidence, Finding, Learned, LearnOptions } from "./findings.js";
export { type LearnResult, learn, learnSummary } from "./learn.js";
export { applyOverlay, type Overlay, type OverlayAction } from "./overlay.js";
export { formatReport, type ReportFormat, reportFormats } from "./report-formats.js";
export { packagedBundle, Spec } from "./spec.js";
export { readTraffic, type TrafficKind } from "./traffic.js";
export { type VerifyReport, type Violation, verify } from "./verify.js";
