// @ts-check
/**
 * An update worker that says which thread ran each job, whether the job came without its state, and
 * how many jobs the thread has run (`thread`, `held` and `ran` on the outcome, passed through to the
 * caller), for tests of how the guard sends its jobs. Jobs run as usual, but an update over 1 KB
 * takes 300 ms more, standing in for an expensive one.
 */
import { threadId } from 'node:worker_threads';
import { runUpdateJob, serveUpdateJobs } from '../../sync-server/update-jobs.mjs';

let ran = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));

serveUpdateJobs((job) => {
	if (job.kind === 'apply' && job.update.length > 1024) Atomics.wait(pause, 0, 0, 300);
	return {
		...runUpdateJob(job),
		thread: threadId,
		held: job.kind === 'apply' && job.held === true,
		ran: ++ran
	};
});
