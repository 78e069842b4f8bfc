/*
 * pipe_roundtrip.c — the cost of one request/reply between two processes over pipes: the floor
 * under tvp's `process-pool` per-task overhead.
 *
 *   pipe_roundtrip [-n ROUND_TRIPS] [-r REPETITIONS] [-p PIPE_BYTES] [-w read|poll] [-b NS] [-a NS] [-k]
 *                                      defaults: 20000 round trips, 9 repetitions, 1M pipes, read
 *
 * -k makes each round trip do tvp's per-task bookkeeping, so that it is the twin of a
 * `process-pool` task (as `pool -b` is of a `threads` task, benchmarks/limits.sh row b): the child
 * reads the clock before and after its (empty) task and replies as tvp's worker does, with a
 * 32-byte digest and the two instants in a frame of the same layout (6-byte header, digest, start,
 * end); the parent takes the digest and the duration out of the reply and stores them, with the
 * child's pid, as the task's outcome, in storage allocated when the repetition starts, inside its
 * clock, as a trial allocates its outcomes. Without -k a round trip is the bare exchange.
 *
 * The last three change the parent's side, to show what a round trip between two CPUs is sensitive
 * to (benchmarks/roundtrip_sensitivity.sh, docs/overhead.md): -w poll waits for the reply in
 * poll(2) on the reply pipe before reading it (as a supervisor watching several descriptors
 * would); -b NS spins NS nanoseconds before each request (work between a reply and the next
 * request), -a NS spins after each request, before waiting for the reply.
 *
 * The parent forks one child and talks to it over two pipes (parent → child requests, child →
 * parent replies), both enlarged with fcntl(F_SETPIPE_SZ) as tvp enlarges its pool's pipes. A
 * round trip is: the parent writes a 14-byte request (the size of tvp's task frame), the child
 * reads it and writes a 54-byte reply (the size of tvp's result frame), the parent reads it. The
 * request carries the round number and the reply echoes it, which checks that the two sides stay
 * in step. Both sides use plain blocking read/write: no poll, no framing, no task. So each round
 * trip is two pipe writes, two pipe reads, and two wake-ups of a process blocked in read().
 *
 * One child serves all repetitions, as a pool's worker outlives its tasks; its start-up is not
 * timed (tvp's `per_task_net_us` leaves the pool's start-up out too). 100 untimed round trips
 * come first. A repetition's figure is its elapsed time (CLOCK_MONOTONIC) ÷ ROUND_TRIPS.
 *
 * Output on stdout, one key=value per line:
 *   round_trips=N  repetitions=R  pipe_bytes=GRANTED
 *   round_trip_median_us=  round_trip_min_us=  round_trip_max_us=   (over the repetitions)
 */
#include "bench.h"

#include <poll.h>

enum { request_bytes = 14, reply_bytes = 54, warmup_round_trips = 100 };

/* How the parent waits and what it does besides (-w, -b, -a), and whether both sides keep tvp's
 * books (-k). */
static int wait_in_poll = 0, bookkeeping = 0;
static uint64_t spin_before_ns = 0, spin_after_ns = 0;

/* With -k, what the parent stores per round trip: what tvp stores per `process-pool` task (the
 * digest, how long the task ran, the process that ran it). */
struct outcome {
    uint64_t digest[4];
    uint64_t duration_ns;
    uint64_t pid;
};

/* With -k, the reply's layout, as tvp's result frame: a 6-byte header (here the round number's low
 * 48 bits), the 32-byte digest, the task's start and end instants. */
enum { header_bytes = 6, digest_at = header_bytes, start_at = digest_at + 32, end_at = start_at + 8 };

/* The child: answers every request with a reply echoing its round number, until EOF; with -k the
 * reply also carries the empty task's digest and the clock read before and after it. */
static void serve(int requests, int replies)
{
    unsigned char request[request_bytes], reply[reply_bytes];
    memset(reply, 0x5a, sizeof reply);
    if (bookkeeping)
        memset(reply + digest_at, 0, 32); /* a null task's digest */
    while (read_exactly(requests, request, sizeof request, "read (child)") == 0) {
        if (bookkeeping) {
            uint64_t start = now_ns(), end = now_ns();
            memcpy(reply, request, header_bytes);
            memcpy(reply + start_at, &start, sizeof start);
            memcpy(reply + end_at, &end, sizeof end);
        } else {
            memcpy(reply, request, sizeof(uint64_t));
        }
        write_all(replies, reply, sizeof reply, "write (child)");
    }
}

/* Busy for `ns` nanoseconds (a stand-in for bookkeeping). */
static void spin(uint64_t ns)
{
    if (ns == 0)
        return;
    uint64_t until = now_ns() + ns;
    while (now_ns() < until)
        ;
}

/* The parent's side of `count` round trips, numbered from `first`; with -k each one's outcome goes
 * to `outcomes[round - first]`. */
static void round_trips(int requests, int replies, uint64_t first, size_t count, struct outcome *outcomes, pid_t child)
{
    unsigned char request[request_bytes], reply[reply_bytes];
    memset(request, 0xa5, sizeof request);
    for (uint64_t round = first; round < first + count; round++) {
        memcpy(request, &round, sizeof round);
        spin(spin_before_ns);
        write_all(requests, request, sizeof request, "write (parent)");
        spin(spin_after_ns);
        if (wait_in_poll) {
            struct pollfd ready = {.fd = replies, .events = POLLIN};
            while (poll(&ready, 1, -1) < 0)
                if (errno != EINTR)
                    die("poll");
        }
        if (read_exactly(replies, reply, sizeof reply, "read (parent)") != 0)
            fail("the child closed its pipe early (round %llu)", (unsigned long long)round);
        uint64_t echoed = 0;
        if (bookkeeping) {
            memcpy(&echoed, reply, header_bytes);
            uint64_t start, end;
            memcpy(&start, reply + start_at, sizeof start);
            memcpy(&end, reply + end_at, sizeof end);
            struct outcome *outcome = &outcomes[round - first];
            memcpy(outcome->digest, reply + digest_at, sizeof outcome->digest);
            outcome->duration_ns = end - start;
            outcome->pid = (uint64_t)child;
            if (echoed != (round & 0xffffffffffffULL))
                fail("reply to round %llu came back as %llu: the sides are out of step",
                     (unsigned long long)round, (unsigned long long)echoed);
            continue;
        }
        memcpy(&echoed, reply, sizeof echoed);
        if (echoed != round)
            fail("reply to round %llu came back as %llu: the sides are out of step",
                        (unsigned long long)round, (unsigned long long)echoed);
    }
}

int main(int argc, char **argv)
{
    const char *usage = "usage: pipe_roundtrip [-n ROUND_TRIPS] [-r REPETITIONS] [-p PIPE_BYTES] [-w read|poll] [-b NS] [-a NS] [-k]";
    size_t count = 20000, repetitions = 9;
    int pipe_bytes = 1 << 20;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-k") == 0) {
            bookkeeping = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage_error("%s", usage);
        if (strcmp(argv[i], "-n") == 0)
            count = (size_t)parse_count(argv[++i], "ROUND_TRIPS", 1, 1000000000);
        else if (strcmp(argv[i], "-r") == 0)
            repetitions = (size_t)parse_count(argv[++i], "REPETITIONS", 1, 100000);
        else if (strcmp(argv[i], "-p") == 0)
            pipe_bytes = (int)parse_count(argv[++i], "PIPE_BYTES", 4096, 1 << 30);
        else if (strcmp(argv[i], "-w") == 0) {
            const char *mode = argv[++i];
            if (strcmp(mode, "poll") == 0)
                wait_in_poll = 1;
            else if (strcmp(mode, "read") != 0)
                usage_error("-w takes read or poll, not '%s'; %s", mode, usage);
        } else if (strcmp(argv[i], "-b") == 0)
            spin_before_ns = (uint64_t)parse_count(argv[++i], "NS", 0, 1000000000);
        else if (strcmp(argv[i], "-a") == 0)
            spin_after_ns = (uint64_t)parse_count(argv[++i], "NS", 0, 1000000000);
        else
            usage_error("unknown option '%s'; %s", argv[i], usage);
    }

    int to_child[2], to_parent[2];
    int granted = make_pipe(to_child, pipe_bytes);
    make_pipe(to_parent, pipe_bytes);

    pid_t child = fork_child(to_child, to_parent, serve);

    double *per_round_trip_us = malloc(repetitions * sizeof(double));
    if (per_round_trip_us == NULL)
        die("malloc");
    uint64_t round = 0;
    struct outcome warmup_outcomes[warmup_round_trips];
    round_trips(to_child[1], to_parent[0], round, warmup_round_trips, warmup_outcomes, child);
    round += warmup_round_trips;
    for (size_t repetition = 0; repetition < repetitions; repetition++) {
        uint64_t start = now_ns();
        /* -k: the repetition's outcomes, allocated inside its clock as a trial's are. */
        struct outcome *outcomes = bookkeeping ? calloc(count, sizeof *outcomes) : NULL;
        if (bookkeeping && outcomes == NULL)
            die("calloc");
        round_trips(to_child[1], to_parent[0], round, count, outcomes, child);
        uint64_t end = now_ns();
        free(outcomes);
        round += count;
        per_round_trip_us[repetition] = (double)(end - start) / 1000.0 / (double)count;
    }

    /* Closing the request pipe is the child's EOF: it exits, and must exit cleanly. */
    if (close(to_child[1]) != 0)
        die("close");
    reap(child, "the child");

    sort_doubles(per_round_trip_us, repetitions);
    double median = median_sorted(per_round_trip_us, repetitions);
    printf("round_trips=%zu\nrepetitions=%zu\npipe_bytes=%d\n", count, repetitions, granted);
    printf("round_trip_median_us=%.2f\nround_trip_min_us=%.2f\nround_trip_max_us=%.2f\n",
           median, per_round_trip_us[0], per_round_trip_us[repetitions - 1]);
    fprintf(stderr, "pipe_roundtrip: %d-byte pipes, %d-byte request, %d-byte reply%s: %.2f us per round trip "
            "(median of %zu x %zu; min %.2f, max %.2f)\n",
            granted, request_bytes, reply_bytes, bookkeeping ? ", tvp's bookkeeping (-k)" : "", median, repetitions, count,
            per_round_trip_us[0], per_round_trip_us[repetitions - 1]);
    return 0;
}
