/*
 * pipe_bandwidth.c — how fast bytes move from one process to another through a pipe: the ceiling
 * for tvp shipping a task's data to a pooled worker.
 *
 *   pipe_bandwidth [-t TOTAL_BYTES] [-p PIPE_BYTES | -d] [-r REPETITIONS] [-s SOURCE_BYTES] [-b RECEIVE_BYTES]
 *                                      defaults: 256M total, 1M pipe, 7 repetitions, 1M source, 1M receive buffer
 *
 * Each repetition forks a child connected by a data pipe (parent → child) and an acknowledgement
 * pipe (child → parent). The data pipe is enlarged to PIPE_BYTES with fcntl(F_SETPIPE_SZ); `-d`
 * keeps the kernel's default (64 KiB) instead. The child touches its RECEIVE_BYTES read buffer and
 * sends one byte to say it is ready; then the clock starts, the parent writes TOTAL_BYTES with
 * write() calls of up to 1 MiB, walking through its SOURCE_BYTES source buffer (from its start
 * again at its end), and closes the pipe; the child reads into its buffer from where the last read
 * ended (from its start again when it is full), discards the bytes, and at EOF sends back how many
 * it received; the clock stops when the parent has that count (which must equal TOTAL_BYTES). So
 * the time covers every byte being copied into the pipe and out of it, not just the parent's
 * writes finishing. Fork and the child's exit are outside the clock.
 *
 * With the defaults both buffers are 1 MiB and stay in the CPU's caches: the pipe's own ceiling.
 * `-s 256M -b 32M` moves what tvp's `shared` transfer moves (benchmarks/limits.sh row e): 256 MiB
 * of distinct bytes, each received into a slice-sized buffer, so every byte comes from memory and
 * lands in memory the way a worker's slice does.
 *
 * Output on stdout, one key=value per line (GB = 10^9 bytes):
 *   total_bytes=  write_bytes=  repetitions=  pipe_bytes=GRANTED (F_GETPIPE_SZ)  source_bytes=  receive_bytes=
 *   gb_per_s_median=  gb_per_s_min=  gb_per_s_max=   (over the repetitions)
 */
#include "bench.h"

enum { chunk_bytes = 1 << 20 };

/* The child's read buffer (-b). */
static size_t receive_bytes = chunk_bytes;

/* The child: reads the data pipe to EOF and reports the byte count on the acknowledgement pipe. */
static void drain(int data, int ack)
{
    char *buffer = malloc(receive_bytes);
    if (buffer == NULL)
        die("malloc (child)");
    memset(buffer, 0, receive_bytes); /* fault the pages in before the clock */
    char ready = 'r';
    write_all(ack, &ready, 1, "write ready (child)");
    uint64_t received = 0;
    size_t offset = 0;
    for (;;) {
        if (offset == receive_bytes)
            offset = 0;
        ssize_t got = read(data, buffer + offset, receive_bytes - offset);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            die("read (child)");
        }
        if (got == 0)
            break;
        received += (uint64_t)got;
        offset += (size_t)got;
    }
    write_all(ack, &received, sizeof received, "write count (child)");
}

/* One repetition: returns GB/s and stores the data pipe's capacity in `granted`. */
static double transfer(uint64_t total, int pipe_bytes, const char *source, size_t source_bytes, int *granted)
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
        size_t at = (size_t)(sent % source_bytes);
        size_t length = total - sent < chunk_bytes ? (size_t)(total - sent) : chunk_bytes;
        if (length > source_bytes - at)
            length = source_bytes - at;
        write_all(data[1], source + at, length, "write");
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
    const char *usage = "usage: pipe_bandwidth [-t TOTAL_BYTES] [-p PIPE_BYTES | -d] [-r REPETITIONS] [-s SOURCE_BYTES] [-b RECEIVE_BYTES]";
    uint64_t total = 256u << 20;
    int pipe_bytes = 1 << 20; /* 0: leave the default size */
    size_t repetitions = 7;
    size_t source_bytes = chunk_bytes;
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
        else if (strcmp(argv[i], "-s") == 0)
            source_bytes = (size_t)parse_count(argv[++i], "SOURCE_BYTES", 4096, 1LL << 40);
        else if (strcmp(argv[i], "-b") == 0)
            receive_bytes = (size_t)parse_count(argv[++i], "RECEIVE_BYTES", 4096, 1LL << 40);
        else
            usage_error("unknown option '%s'; %s", argv[i], usage);
    }

    char *source = malloc(source_bytes);
    double *rates = malloc(repetitions * sizeof(double));
    if (source == NULL || rates == NULL)
        die("malloc");
    for (size_t i = 0; i < source_bytes; i++)
        source[i] = (char)(i * 31 + 7); /* not all zeros, and every page faulted in */

    int granted = 0;
    for (size_t repetition = 0; repetition < repetitions; repetition++)
        rates[repetition] = transfer(total, pipe_bytes, source, source_bytes, &granted);

    sort_doubles(rates, repetitions);
    double median = median_sorted(rates, repetitions);
    printf("total_bytes=%llu\nwrite_bytes=%d\nrepetitions=%zu\npipe_bytes=%d\nsource_bytes=%zu\nreceive_bytes=%zu\n",
           (unsigned long long)total, chunk_bytes, repetitions, granted, source_bytes, receive_bytes);
    printf("gb_per_s_median=%.3f\ngb_per_s_min=%.3f\ngb_per_s_max=%.3f\n",
           median, rates[0], rates[repetitions - 1]);
    fprintf(stderr, "pipe_bandwidth: %d-byte pipe%s, %llu bytes in writes of up to %d from a %zu-byte source "
            "into a %zu-byte buffer: %.3f GB/s (median of %zu; min %.3f, max %.3f)\n",
            granted, pipe_bytes == 0 ? " (default size)" : "", (unsigned long long)total, chunk_bytes,
            source_bytes, receive_bytes, median, repetitions, rates[0], rates[repetitions - 1]);
    return 0;
}
