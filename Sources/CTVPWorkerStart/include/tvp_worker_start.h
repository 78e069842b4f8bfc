#ifndef TVP_WORKER_START_H
#define TVP_WORKER_START_H

/* The worker executables' own copy of the Swift runtime's argv entry points (worker_start.c). */
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);

#endif
