/*
 * pipe_bandwidth.c — how fast bytes move from one process to another through a pipe: the ceiling
 * for tvp shipping a task's data to a pooled worker.
 *
 *   pipe_bandwidth [-t TOTAL_BYTES] [-p PIPE_BYTES | -d] [-r REPETITIONS]
 *                                      defaults: 256M total, 1M pipe, 7 repetitions
 *
 * Each repetition forks a child connected by a data pipe (parent → child) and an acknowledgement
 * pipe (child → parent). The data pipe is enlarged to PIPE_BYTES with fcntl(F_SETPIPE_SZ); `-d`
 * keeps the kernel's default (64 KiB) instead. The child touches its 1 MiB read buffer and sends
 * one byte to say it is ready; then the clock starts, the parent writes TOTAL_BYTES with write()
 * calls of up to 1 MiB from one buffer, and closes the pipe; the child reads into its 1 MiB
 * buffer, discards the bytes, and at EOF sends back how many it received; the clock stops when
 * the parent has that count (which must equal TOTAL_BYTES). So the time covers every byte being
 * copied into the pipe and out of it, not just the parent's writes finishing. Fork and the
 * child's exit are outside the clock.
 *
 * Output on stdout, one key=value per line (GB = 10^9 bytes):
 *   total_bytes=  write_bytes=  repetitions=  pipe_bytes=GRANTED (F_GETPIPE_SZ)
 *   gb_per_s_median=  gb_per_s_min=  gb_per_s_max=   (over the repetitions)
 */
#include "bench.h"

enum { chunk_bytes = 1 << 20 };

/* The child: reads the data pipe to EOF and reports the byte count on the acknowledgement pipe. */
static void drain(int data, int ack)
{
    char *buffer = malloc(chunk_bytes);
    if (buffer == NULL)
        die("malloc (child)");
    memset(buffer, 0, chunk_bytes); /* fault the pages in before the clock */
    char ready = 'r';
    write_all(ack, &ready, 1, "write ready (child)");
    uint64_t received = 0;
    for (;;) {
        ssize_t got = read(data, buffer, chunk_bytes);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            die("read (child)");
        }
        if (got == 0)
            break;
        received += (uint64_t)got;
    }
    write_all(ack, &received, sizeof received, "write count (child)");
}

/* One repetition: returns GB/s and stores the data pipe's capacity in `granted`. */
static double transfer(uint64_t total, int pipe_bytes, const char *source, int *granted)
{
    int data[2], ack[2];
    *granted = make_pipe(data, pipe_bytes);
    make_pipe(ack, 0);

    pid_t child = fork_child(data, ack, drain);

    char ready;
    if (read_exactly(ack[0], &ready, 1, "read ready") != 0)
        fail("the child ended before it was ready");

    uint64_t start = now_ns();
    for (uint64_t sent = 0; sent < total;) {
        size_t length = total - sent < chunk_bytes ? (size_t)(total - sent) : chunk_bytes;
        write_all(data[1], source, length, "write");
        sent += length;
    }
    if (close(data[1]) != 0)
        die("close");
    uint64_t received;
    if (read_exactly(ack[0], &received, sizeof received, "read count") != 0)
        fail("the child ended without reporting what it received");
    uint64_t end = now_ns();

    if (received != total)
        fail("the child received %llu bytes of %llu", (unsigned long long)received, (unsigned long long)total);
    close(ack[0]);
    reap(child, "the child");
    return (double)total / ((double)(end - start) / 1e9) / 1e9;
}

int main(int argc, char **argv)
{
    const char *usage = "usage: pipe_bandwidth [-t TOTAL_BYTES] [-p PIPE_BYTES | -d] [-r REPETITIONS]";
    uint64_t total = 256u << 20;
    int pipe_bytes = 1 << 20; /* 0: leave the default size */
    size_t repetitions = 7;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0) {
            pipe_bytes = 0;
            continue;
        }
        if (i + 1 >= argc)
            usage_error("%s", usage);
        if (strcmp(argv[i], "-t") == 0)
            total = (uint64_t)parse_count(argv[++i], "TOTAL_BYTES", 1, 1LL << 50);
        else if (strcmp(argv[i], "-p") == 0)
            pipe_bytes = (int)parse_count(argv[++i], "PIPE_BYTES", 4096, 1 << 30);
        else if (strcmp(argv[i], "-r") == 0)
            repetitions = (size_t)parse_count(argv[++i], "REPETITIONS", 1, 100000);
        else
            usage_error("unknown option '%s'; %s", argv[i], usage);
    }

    char *source = malloc(chunk_bytes);
    double *rates = malloc(repetitions * sizeof(double));
    if (source == NULL || rates == NULL)
        die("malloc");
    for (size_t i = 0; i < chunk_bytes; i++)
        source[i] = (char)(i * 31 + 7); /* not all zeros, and every page faulted in */

    int granted = 0;
    for (size_t repetition = 0; repetition < repetitions; repetition++)
        rates[repetition] = transfer(total, pipe_bytes, source, &granted);

    sort_doubles(rates, repetitions);
    double median = median_sorted(rates, repetitions);
    printf("total_bytes=%llu\nwrite_bytes=%d\nrepetitions=%zu\npipe_bytes=%d\n",
           (unsigned long long)total, chunk_bytes, repetitions, granted);
    printf("gb_per_s_median=%.3f\ngb_per_s_min=%.3f\ngb_per_s_max=%.3f\n",
           median, rates[0], rates[repetitions - 1]);
    fprintf(stderr, "pipe_bandwidth: %d-byte pipe%s, %llu bytes in writes of up to %d: %.3f GB/s "
            "(median of %zu; min %.3f, max %.3f)\n",
            granted, pipe_bytes == 0 ? " (default size)" : "", (unsigned long long)total, chunk_bytes,
            median, repetitions, rates[0], rates[repetitions - 1]);
    return 0;
}
