/** The worker thread of `startFileReaders`: reads the files it is sent, one message each. */
import { parentPort } from 'node:worker_threads';
import { fileToLines, type FileJob } from './file-to-lines';

parentPort?.on('message', (job: FileJob) => {
  void fileToLines(job).then((result) => parentPort!.postMessage({ id: job.id, result }));
});
