// @ts-check
/** Entry point of the update guard's worker threads (see update-jobs.mjs and update-guard.ts). */
import { serveUpdateJobs } from './update-jobs.mjs';

serveUpdateJobs();
