/* Fixtures shared by the unit tests: APR once per group, a fresh pool per
 * test (passed as the test's state). */
#ifndef PD_UNIT_H
#define PD_UNIT_H

#include <apr_general.h>
#include <apr_pools.h>

static int group_setup(void **state)
{
    (void)state;
    return apr_initialize() == APR_SUCCESS ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    apr_terminate();
    return 0;
}

static int setup(void **state)
{
    apr_pool_t *p;
    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return -1;
    }
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

#endif
