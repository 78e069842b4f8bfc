#ifndef CTVP_TEST_WORKER_H
#define CTVP_TEST_WORKER_H

/* The test binary as a worker: see test_worker_start.c. Nothing to call from Swift. */

#endif
