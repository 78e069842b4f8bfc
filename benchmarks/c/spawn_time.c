/*
 * spawn_time.c — how long posix_spawn + waitpid of a program takes, for one program or up to four
 * compared in the same run.
 *
 *   spawn_time [-w WARMUP] ROUNDS PROG_A [ARG...] [-- PROG_B [ARG...] [-- PROG_C [ARG...] [-- PROG_D [ARG...]]]]
 *
 * Each program may be preceded by NAME=VALUE words, as with env(1): that program alone gets them
 * on top of spawn_time's environment (tvp starts its worker with such an addition,
 * OPENSSL_ia32cap, so limits.sh times the worker as tvp starts it).
 * One measurement is the time from just before posix_spawn to just after waitpid returns the
 * child's exit (CLOCK_MONOTONIC): creating the process, exec, the program's whole life, exit and
 * reaping. The child's stdin, stdout and stderr are /dev/null (posix_spawn_file_actions_adddup2
 * of one descriptor the parent opened), so the program's output costs nothing and is not shown.
 * PROG is a path, not searched in PATH; the environment is passed on, with the program's additions.
 *
 * With two programs, every round runs both, A then B in even rounds and B then A in odd ones, so
 * the CPU speed drifting during the run (tens of percent within seconds on the project's VM)
 * lands on both equally and the ratio of their medians is meaningful; with three or four, A B C (D)
 * in even rounds and (D) C B A in odd ones. WARMUP rounds (default 3)
 * run first and are not counted: the first spawns fault the programs' pages into the page cache.
 * A child that exits non-zero or is killed stops the measurement: it would not be the program
 * we meant to time.
 *
 * Output on stdout, one key=value per line (times in microseconds):
 *   rounds=N  a_program=PATH  a_median_us=  a_min_us=  a_p90_us=
 *   and with PROG_B: b_program=PATH  b_median_us=  b_min_us=  b_p90_us=  ratio_median_b_over_a=
 *                    ratio_min_b_over_a=   (the minimums suffer least from other load on the machine:
 *                                           when the two ratios differ much, the machine was busy)
 *   and with PROG_C: c_program=PATH  c_median_us=  c_min_us=  c_p90_us=  ratio_median_c_over_a=
 *                    ratio_median_b_over_c=  ratio_min_b_over_c=   (C is the floor B is judged by)
 *   and with PROG_D: d_program=PATH  d_median_us=  d_min_us=  d_p90_us=  ratio_median_a_over_d=
 *                    (D is what A itself is judged by: limits.sh's process with no C library)
 * A readable summary goes to stderr.
 */
#include "bench.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

/* One program to time: its argv and the durations measured. */
struct program {
    char **argv;           /* argv[0] is the path; NULL-terminated */
    char **envp;           /* its environment: its NAME=VALUE words, then spawn_time's other entries */
    double *durations_us;  /* one per counted round */
};

/* Spawns `program` with `actions`, waits for it, and returns the elapsed microseconds. */
static double spawn_and_wait(const struct program *program, const posix_spawn_file_actions_t *actions)
{
    uint64_t start = now_ns();
    pid_t pid;
    int error = posix_spawn(&pid, program->argv[0], actions, NULL, program->argv, program->envp);
    if (error != 0) {
        fprintf(stderr, "spawn_time: cannot start %s\n", program->argv[0]);
        die_code("posix_spawn", error);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
    }
    uint64_t end = now_ns();

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFSIGNALED(status))
            fail("%s was killed by signal %d", program->argv[0], WTERMSIG(status));
        fail("%s exited with status %d; spawn_time only times programs that succeed",
                    program->argv[0], WEXITSTATUS(status));
    }
    return (double)(end - start) / 1000.0;
}

/* Moves `program`'s leading NAME=VALUE words out of its argv into its environment, ahead of the
 * entries of `environ` whose names they do not set. */
static void take_environment(struct program *program)
{
    size_t additions = 0;
    while (program->argv[additions] != NULL && program->argv[additions][0] != '/' &&
           strchr(program->argv[additions], '=') != NULL)
        additions++;
    size_t inherited = 0;
    while (environ[inherited] != NULL)
        inherited++;
    program->envp = calloc(additions + inherited + 1, sizeof(char *));
    if (program->envp == NULL)
        die("calloc");
    size_t count = 0;
    for (size_t i = 0; i < additions; i++)
        program->envp[count++] = program->argv[i];
    for (size_t i = 0; i < inherited; i++) {
        size_t name_length = strcspn(environ[i], "=");
        int overridden = 0;
        for (size_t j = 0; j < additions && !overridden; j++)
            overridden = strncmp(program->argv[j], environ[i], name_length + 1) == 0;
        if (!overridden)
            program->envp[count++] = environ[i];
    }
    program->argv += additions;
    if (program->argv[0] == NULL)
        usage_error("a program is missing after its NAME=VALUE words");
}

/* Sorts the durations and prints the figures of one program under `key` ("a" or "b").
 * Returns the median. */
static double report(const char *key, struct program *program, size_t rounds)
{
    sort_doubles(program->durations_us, rounds);
    double median = median_sorted(program->durations_us, rounds);
    double minimum = program->durations_us[0];
    double p90 = percentile_sorted(program->durations_us, rounds, 90);
    printf("%s_program=%s\n%s_median_us=%.1f\n%s_min_us=%.1f\n%s_p90_us=%.1f\n",
           key, program->argv[0], key, median, key, minimum, key, p90);
    fprintf(stderr, "%s: %s  median %.1f us  min %.1f us  p90 %.1f us  (%zu rounds)\n",
            key, program->argv[0], median, minimum, p90, rounds);
    return median;
}

int main(int argc, char **argv)
{
    const char *usage = "usage: spawn_time [-w WARMUP] ROUNDS [NAME=VALUE...] PROG_A [ARG...] [-- [NAME=VALUE...] PROG_B [ARG...] [-- ...PROG_C [ARG...] [-- ...PROG_D [ARG...]]]]";
    int next = 1;
    long long warmup = 3;
    if (next < argc && strcmp(argv[next], "-w") == 0) {
        if (next + 1 >= argc)
            usage_error("%s", usage);
        warmup = parse_count(argv[next + 1], "WARMUP", 0, 1000000);
        next += 2;
    }
    if (argc - next < 2)
        usage_error("%s", usage);
    size_t rounds = (size_t)parse_count(argv[next], "ROUNDS", 1, 100000000);
    next++;

    /* Split the rest at each "--": PROG_A's argv before the first, the others' after.
     * argv is NULL-terminated, so replacing "--" by NULL ends the previous argv in place. */
    struct program programs[4] = {{.argv = &argv[next]}, {0}, {0}, {0}};
    size_t count = 1;
    int begun = next;
    for (int i = next; i < argc && count < 4; i++) {
        if (strcmp(argv[i], "--") == 0) {
            argv[i] = NULL;
            if (i + 1 >= argc || i == begun)
                usage_error("%s", usage);
            programs[count++].argv = &argv[i + 1];
            begun = i + 1;
        }
    }
    for (size_t p = 0; p < count; p++) {
        take_environment(&programs[p]);
        programs[p].durations_us = calloc(rounds, sizeof(double));
        if (programs[p].durations_us == NULL)
            die("calloc");
    }

    /* The child's stdin, stdout and stderr: copies of one /dev/null descriptor, which itself is
     * close-on-exec so the child gets nothing else. */
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0)
        die("open(/dev/null)");
    posix_spawn_file_actions_t actions;
    int error = posix_spawn_file_actions_init(&actions);
    if (error != 0)
        die_code("posix_spawn_file_actions_init", error);
    for (int fd = 0; fd <= 2; fd++) {
        error = posix_spawn_file_actions_adddup2(&actions, null_fd, fd);
        if (error != 0)
            die_code("posix_spawn_file_actions_adddup2", error);
    }

    for (long long round = 0; round < warmup; round++)
        for (size_t p = 0; p < count; p++)
            spawn_and_wait(&programs[p], &actions);

    for (size_t round = 0; round < rounds; round++) {
        for (size_t k = 0; k < count; k++) {
            size_t p = (round % 2 == 0) ? k : count - 1 - k; /* A,B(,C(,D)) then ((D,)C,)B,A */
            programs[p].durations_us[round] = spawn_and_wait(&programs[p], &actions);
        }
    }

    printf("rounds=%zu\n", rounds);
    double median_a = report("a", &programs[0], rounds);
    if (count >= 2) {
        double median_b = report("b", &programs[1], rounds);
        double min_ratio = programs[1].durations_us[0] / programs[0].durations_us[0]; /* sorted by report */
        printf("ratio_median_b_over_a=%.2f\nratio_min_b_over_a=%.2f\n", median_b / median_a, min_ratio);
        fprintf(stderr, "ratio b/a: of medians %.2f, of minimums %.2f\n", median_b / median_a, min_ratio);
        if (count >= 3) {
            double median_c = report("c", &programs[2], rounds);
            double min_b_c = programs[1].durations_us[0] / programs[2].durations_us[0];
            printf("ratio_median_c_over_a=%.2f\nratio_median_b_over_c=%.2f\nratio_min_b_over_c=%.2f\n",
                   median_c / median_a, median_b / median_c, min_b_c);
            fprintf(stderr, "ratio c/a: of medians %.2f; b/c: of medians %.2f, of minimums %.2f\n",
                    median_c / median_a, median_b / median_c, min_b_c);
        }
        if (count == 4) {
            double median_d = report("d", &programs[3], rounds);
            printf("ratio_median_a_over_d=%.2f\n", median_a / median_d);
            fprintf(stderr, "ratio a/d: of medians %.2f\n", median_a / median_d);
        }
    }
    posix_spawn_file_actions_destroy(&actions);
    return 0;
}
