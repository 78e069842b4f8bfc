/*
 * noop.c — the cheapest program there is: it returns 0.
 *
 * Built static (`-static -O2`): no dynamic loader, no shared libraries to map or relocate, so
 * posix_spawn + waitpid of it is the floor of what starting any process costs on this machine.
 * spawn_time compares tvp-worker against it.
 */
int main(void) { return 0; }
