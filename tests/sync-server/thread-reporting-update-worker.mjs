// @ts-check
/**
 * An update worker that says which thread ran each job, whether the job came without its state, and
 * how many jobs the thread has run (`thread`, `held` and `ran` on the outcome, passed through to the
 * caller), for tests of how the guard sends its jobs. Jobs run as usual.
 */
import { threadId } from 'node:worker_threads';
import { runUpdateJob, serveUpdateJobs } from '../../sync-server/update-jobs.mjs';

let ran = 0;

serveUpdateJobs((job) => ({
	...runUpdateJob(job),
	thread: threadId,
	held: job.kind === 'apply' && job.held === true,
	ran: ++ran
}));
