/**
 * The training dashboard: the run state (run-state.ts), its pages (page.ts), the loopback HTTP
 * server (server.ts) and finished runs on disk (runs.ts). callbacks.Dashboard serves a live run;
 * `lamina dashboard <runs dir>` serves finished ones.
 */
export { RunRecorder, parseSnapshot, MAX_BATCH_POINTS, type RunSnapshot, type RunEvent, type RunStatus, type BatchPoint, type EpochPoint, type SampleSet, type SamplePrediction, type Progress } from "./run-state.js";
export { serve, liveHandler, LOOPBACK_HOST, type RunningServer, type ServeOptions, type RouteHandler } from "./server.js";
export { runsHandler, readRun, listRunDirs, epochsFromCsv, SNAPSHOT_FILE } from "./runs.js";
export { runPage, runListPage } from "./page.js";
export { imageDataUrls } from "./thumbnails.js";
