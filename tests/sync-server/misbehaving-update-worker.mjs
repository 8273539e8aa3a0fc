// @ts-check
/**
 * An update worker that misbehaves on purpose, standing in for Yjs bugs the guard must survive: it
 * spins forever on an update containing the text "spin-forever" and allocates without bound on one
 * containing "allocate-forever". Every other job runs normally.
 */
import { runUpdateJob, serveUpdateJobs } from '../../sync-server/update-jobs.mjs';

/**
 * @param {Uint8Array} bytes
 * @param {string} marker
 */
function contains(bytes, marker) {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(marker, 0, 'latin1');
}

serveUpdateJobs((job) => {
	if (job.kind === 'apply' && contains(job.update, 'spin-forever')) {
		let spins = 0;
		while (spins >= 0) spins++;
	}
	if (job.kind === 'apply' && contains(job.update, 'allocate-forever')) {
		const hog = [];
		for (;;) hog.push(new Array(100_000).fill(hog.length));
	}
	return runUpdateJob(job);
});
