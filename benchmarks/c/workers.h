/*
 * workers.h — runs one body on W workers, as threads of this process or as forked child
 * processes, for the references of tvp's sharing workloads (tally.c, alloc.c, refs.c).
 *
 * Worker w runs tasks w, w + W, w + 2W, ... of the trial (tvp hands tasks out from a queue; with
 * a task count divisible by W both give each worker the same share). A child process reports to
 * the parent through a pipe: `body` gets its write end (-1 for threads) and the parent's
 * `collect` reads each child's pipe to its end, in worker order, then reaps the child. Child
 * processes are forked inside the caller's clock, as tvp spawns its workers inside its own.
 */
#ifndef TVP_WORKERS_H
#define TVP_WORKERS_H

#include "bench.h"

#include <pthread.h>
#include <sys/wait.h>

/* Where the workers run. */
enum worker_kind { worker_threads, worker_processes };

/* What one worker runs: its number, the shared context, and the pipe to write results to (-1 when
 * the worker is a thread, which writes its results into memory the parent reads). */
typedef void (*worker_body)(size_t worker, void *context, int results);

/* Reads one child's results from `results` (until end of file) into the context. */
typedef void (*worker_collect)(size_t worker, void *context, int results);

struct thread_start {
    worker_body body;
    void *context;
    size_t worker;
};

static inline void *thread_main(void *argument)
{
    struct thread_start *start = argument;
    start->body(start->worker, start->context, -1);
    return NULL;
}

/* Parses `threads` or `processes`. */
static inline enum worker_kind parse_worker_kind(const char *text)
{
    if (strcmp(text, "threads") == 0)
        return worker_threads;
    if (strcmp(text, "processes") == 0)
        return worker_processes;
    usage_error("MODE must be `threads` or `processes`, got '%s'", text);
}

/* Runs `body` on `workers` workers of `kind` and waits for all of them; children's pipes are read
 * with `collect`. A child that fails makes the program fail. */
static inline void run_workers(enum worker_kind kind, size_t workers, worker_body body, worker_collect collect,
                               void *context)
{
    if (kind == worker_threads) {
        pthread_t threads[workers];
        struct thread_start starts[workers];
        for (size_t w = 0; w < workers; w++) {
            starts[w] = (struct thread_start){.body = body, .context = context, .worker = w};
            int error = pthread_create(&threads[w], NULL, thread_main, &starts[w]);
            if (error != 0)
                die_code("pthread_create", error);
        }
        for (size_t w = 0; w < workers; w++) {
            int error = pthread_join(threads[w], NULL);
            if (error != 0)
                die_code("pthread_join", error);
        }
        return;
    }
    pid_t children[workers];
    int pipes[workers];
    fflush(NULL);
    for (size_t w = 0; w < workers; w++) {
        int ends[2];
        make_pipe(ends, 0);
        pid_t child = fork();
        if (child < 0)
            die("fork");
        if (child == 0) {
            close(ends[0]);
            body(w, context, ends[1]);
            close(ends[1]);
            _exit(0);
        }
        close(ends[1]);
        children[w] = child;
        pipes[w] = ends[0];
    }
    for (size_t w = 0; w < workers; w++) {
        collect(w, context, pipes[w]);
        close(pipes[w]);
        int status;
        while (waitpid(children[w], &status, 0) < 0) {
            if (errno != EINTR)
                die("waitpid");
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail("worker process %zu ended abnormally (wait status %d)", w, status);
    }
}

/* The seed of task `index`'s key stream: splitmix64 of the index, never 0 (xorshift's fixed point).
 * tvp's TallyKeys uses the same function, so both make the same keys. */
static inline uint64_t task_seed(uint64_t salt, uint64_t index)
{
    uint64_t z = salt ^ index;
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return z | 1;
}

/* The next key of a stream: Marsaglia's xorshift64 (13, 7, 17). */
static inline uint64_t next_key(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* `key` reduced to 0..<count without a division: the high word of key × count (Lemire). */
static inline uint64_t reduce_key(uint64_t key, uint64_t count)
{
    return (uint64_t)(((unsigned __int128)key * count) >> 64);
}

/* Hands task `task`'s 64-bit result over: into `slots` from a thread, down the pipe from a child. */
static inline void report_word(uint64_t *slots, size_t task, uint64_t value, int results)
{
    if (results < 0)
        slots[task] = value;
    else
        write_all(results, &value, sizeof value, "write (result)");
}

/* The parent's side of report_word: reads child w's results, one per task it ran, into `slots`. */
static inline void collect_words(size_t w, size_t tasks, size_t workers, uint64_t *slots, int results)
{
    for (size_t task = w; task < tasks; task += workers) {
        if (read_exactly(results, &slots[task], sizeof slots[task], "read (result)") != 0)
            fail("worker process %zu sent no result for task %zu", w, task);
    }
}

/* The tasks' results folded into one checksum, which must be `*first` in every repetition but the
 * first (which sets it). */
static inline void check_results(const uint64_t *slots, size_t tasks, size_t repetition, uint64_t *first)
{
    uint64_t checksum = 0;
    for (size_t task = 0; task < tasks; task++)
        checksum = checksum * 31 + slots[task];
    if (repetition == 0)
        *first = checksum;
    else if (checksum != *first)
        fail("repetition %zu gave checksum %llu, the first %llu: the work differed", repetition,
             (unsigned long long)checksum, (unsigned long long)*first);
}

/* Prints the median, minimum and maximum of `values` (sorted in place) as NAME_median_UNIT= ... */
static inline void print_spread(const char *name, const char *unit, double *values, size_t count)
{
    sort_doubles(values, count);
    printf("%s_median_%s=%.3f\n%s_min_%s=%.3f\n%s_max_%s=%.3f\n", name, unit, median_sorted(values, count), name,
           unit, values[0], name, unit, values[count - 1]);
}

#endif
