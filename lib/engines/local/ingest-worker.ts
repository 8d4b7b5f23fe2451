/** The worker thread of `startFileReaders`: reads the files it is sent, one message each. */
import { parentPort } from 'node:worker_threads';
import { fileToLine, type FileJob } from './file-to-lines';

parentPort?.on('message', ({ seq, job }: { seq: number; job: FileJob }) => {
  const result = fileToLine(job);
  // The line's bytes move to the parent thread rather than being copied when they fill their buffer.
  const transfer = result.ok && result.line.byteOffset === 0 && result.line.byteLength === result.line.buffer.byteLength ? [result.line.buffer as ArrayBuffer] : [];
  parentPort!.postMessage({ seq, result }, transfer);
});
