// @ts-check
/**
 * An update worker that says which thread ran each job, whether the job came without its state, and
 * how many jobs the thread has run (`thread`, `held` and `ran` on the outcome, passed through to the
 * caller), for tests of how the guard sends its jobs. Jobs run as usual, but some take longer,
 * standing in for expensive ones: an update of 1–16 KB 300 ms more, one of 100 KB or more a second.
 */
import { threadId } from 'node:worker_threads';
import { runUpdateJob, serveUpdateJobs } from '../../sync-server/update-jobs.mjs';

let ran = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));

serveUpdateJobs((job) => {
	const size = job.kind === 'apply' ? job.update.length : 0;
	if (size >= 100_000) Atomics.wait(pause, 0, 0, 1000);
	else if (size > 1024 && size <= 16_384) Atomics.wait(pause, 0, 0, 300);
	return {
		...runUpdateJob(job),
		thread: threadId,
		held: job.kind === 'apply' && job.held === true,
		ran: ++ran
	};
});
