#include <malloc.h>
#include "tvp_memory.h"

int tvp_release_free_memory(void) { return malloc_trim(0); }
