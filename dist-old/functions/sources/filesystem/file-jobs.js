"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.batchOfJobs = batchOfJobs;
exports.jobsOfBatch = jobsOfBatch;
function batchOfJobs(jobs) {
    const seqs = new Float64Array(jobs.length);
    const unstated = new Uint8Array(jobs.length);
    let paths = '';
    jobs.forEach((job, i) => {
        if (job.path.includes('\0'))
            throw new Error('a path holds a NUL byte');
        seqs[i] = job.seq;
        unstated[i] = job.unstated ? 1 : 0;
        paths += `${job.path}\0`;
    });
    return { seqs, paths, unstated };
}
function jobsOfBatch(batch) {
    const jobs = [];
    let start = 0;
    for (let i = 0; i < batch.seqs.length; i++) {
        const end = batch.paths.indexOf('\0', start);
        if (end < 0)
            throw new Error('a batch of file jobs holds fewer paths than jobs');
        jobs.push({ seq: batch.seqs[i], path: batch.paths.slice(start, end), unstated: batch.unstated[i] === 1 });
        start = end + 1;
    }
    return jobs;
}
//# sourceMappingURL=file-jobs.js.map