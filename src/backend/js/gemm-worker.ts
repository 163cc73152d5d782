import { receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { readJob, runClaimedUnits, ARENA, READY, SEQ, type GemmJob } from "./gemm-job.js";

/*
 * A GEMM worker: sleeps on the control word SEQ, then claims units of the published job until none
 * is left. It never returns to its event loop, so new arenas arrive on a MessagePort that it reads
 * synchronously (the caller posts them before publishing the job that uses them).
 */

interface WorkerInput {
  ctrl: SharedArrayBuffer;
  port: MessagePort;
}

interface ArenaMessage {
  generation: number;
  buffer: SharedArrayBuffer;
}

const { ctrl: ctrlBuffer, port } = workerData as WorkerInput;
const ctrl = new Int32Array(ctrlBuffer);
let generation = -1;
let f32: Float32Array = new Float32Array(0);
let f64: Float64Array = new Float64Array(0);

/** Takes the newest arena posted so far. */
function syncArena(): void {
  for (let msg = receiveMessageOnPort(port); msg !== undefined; msg = receiveMessageOnPort(port)) {
    const arena = msg.message as ArenaMessage;
    generation = arena.generation;
    f32 = new Float32Array(arena.buffer);
    f64 = new Float64Array(arena.buffer);
  }
}

function work(seq: number, job: GemmJob): void {
  const arena = job.float64 ? f64 : f32;
  runClaimedUnits(ctrl, seq, job, arena);
}

Atomics.add(ctrl, READY, 1);
let seen = Atomics.load(ctrl, SEQ);
for (;;) {
  Atomics.wait(ctrl, SEQ, seen);
  const seq = Atomics.load(ctrl, SEQ);
  if (seq === seen) continue;
  seen = seq;
  syncArena();
  const job = readJob(ctrl);
  // A descriptor for an arena not posted yet can only be a half-written one: nothing to claim then.
  if (Atomics.load(ctrl, ARENA) !== generation) continue;
  work(seq, job);
}
