/*
 * malloc1_host.c — the smallest C host of a tvp task plugin: dlopen the library, look up the
 * task, run task 0 of 1 with PARAMETER, exit. The twin of tvp-plugin-worker for malloc1_task.c.
 *
 *   malloc1_host LIBRARY SYMBOL [PARAMETER]
 */
#define _GNU_SOURCE
#include "tvp_task.h"

#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: malloc1_host LIBRARY SYMBOL [PARAMETER]\n");
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "malloc1_host: dlopen: %s\n", dlerror());
        return 1;
    }
    tvp_task_fn *task = (tvp_task_fn *)dlsym(library, argv[2]);
    if (!task) {
        fprintf(stderr, "malloc1_host: dlsym: %s\n", dlerror());
        return 1;
    }
    unsigned char digest[TVP_TASK_DIGEST_SIZE];
    char error[TVP_TASK_ERROR_SIZE] = "";
    if (task(0, 1, NULL, 0, argc > 3 ? argv[3] : "", NULL, digest, error, sizeof error) != 0) {
        fprintf(stderr, "malloc1_host: %s\n", error);
        return 1;
    }
    for (int i = 0; i < TVP_TASK_DIGEST_SIZE; i++)
        printf("%02x", digest[i]);
    printf("\n");
    return 0;
}
