// @ts-check
/**
 * An update worker that says which thread ran each job and whether the job came without its state
 * (`thread` and `held` on the outcome, passed through to the caller), for tests of how the guard
 * sends its jobs. Jobs run as usual.
 */
import { threadId } from 'node:worker_threads';
import { runUpdateJob, serveUpdateJobs } from '../../sync-server/update-jobs.mjs';

serveUpdateJobs((job) => ({
	...runUpdateJob(job),
	thread: threadId,
	held: job.kind === 'apply' && job.held === true
}));
