/* pd_names: the per-process name cache and its version rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_thread_proc.h>
#include "pd_names.h"
#include "pd_unit.h"

static void test_get_put(void **state)
{
    apr_pool_t *p = *state;
    pd_names_t *names;
    pd_name_t n;

    assert_int_equal(pd_names_create(&names, p), APR_SUCCESS);
    assert_int_equal(pd_names_get(names, 7, PD_NAME_PHARMACY, 1, p, &n), APR_NOTFOUND);
    assert_null(n.name);
    pd_names_put(names, 7, PD_NAME_PHARMACY, 1, "Apotek Alpha", "APT-A");
    assert_int_equal(pd_names_get(names, 7, PD_NAME_PHARMACY, 1, p, &n), APR_SUCCESS);
    assert_string_equal(n.name, "Apotek Alpha");
    assert_string_equal(n.extra, "APT-A");
    /* kinds do not mix: the same id of another kind is another entry */
    assert_int_equal(pd_names_get(names, 7, PD_NAME_USER, 1, p, &n), APR_NOTFOUND);
    pd_names_put(names, 7, PD_NAME_USER, 1, "Rina", NULL);
    assert_int_equal(pd_names_get(names, 7, PD_NAME_USER, 1, p, &n), APR_SUCCESS);
    assert_string_equal(n.name, "Rina");
    assert_null(n.extra);
    assert_int_equal(pd_names_count(names), 2);
    assert_int_equal(pd_names_get(names, 7, PD_NAME__KINDS, 1, p, &n), APR_EINVAL);
}

/* Another version empties the cache before use: no name outlives a change. */
static void test_version_change_empties(void **state)
{
    apr_pool_t *p = *state;
    pd_names_t *names;
    pd_name_t n;

    assert_int_equal(pd_names_create(&names, p), APR_SUCCESS);
    pd_names_put(names, 7, PD_NAME_MODULE, 3, "Stok", "#22c55e");
    assert_int_equal(pd_names_get(names, 8, PD_NAME_MODULE, 3, p, &n), APR_NOTFOUND);
    assert_int_equal(pd_names_count(names), 0);
    pd_names_put(names, 8, PD_NAME_MODULE, 3, "Stok Obat", "#22c55e");
    /* and a late answer read under the old version is not kept */
    pd_names_put(names, 7, PD_NAME_MODULE, 4, "Resep", "#a855f7");
    assert_int_equal(pd_names_count(names), 1);
    assert_int_equal(pd_names_get(names, 8, PD_NAME_MODULE, 3, p, &n), APR_SUCCESS);
    assert_string_equal(n.name, "Stok Obat");
}

/* A value handed out survives the cache being emptied right after. */
static void test_copies_outlive_reset(void **state)
{
    apr_pool_t *p = *state;
    pd_names_t *names;
    pd_name_t n, other;

    assert_int_equal(pd_names_create(&names, p), APR_SUCCESS);
    pd_names_put(names, 1, PD_NAME_CATEGORY, 5, "Lainnya", "#64748b");
    assert_int_equal(pd_names_get(names, 1, PD_NAME_CATEGORY, 5, p, &n), APR_SUCCESS);
    assert_int_equal(pd_names_get(names, 2, PD_NAME_CATEGORY, 5, p, &other), APR_NOTFOUND);
    assert_string_equal(n.name, "Lainnya");
}

/* Past the cap the cache starts over rather than growing. */
static void test_cap(void **state)
{
    apr_pool_t *p = *state;
    pd_names_t *names;
    apr_int64_t id;

    assert_int_equal(pd_names_create(&names, p), APR_SUCCESS);
    for (id = 1; id <= PD_NAMES_MAX_ENTRIES; id++) {
        pd_names_put(names, 1, PD_NAME_USER, id, "x", NULL);
    }
    assert_int_equal(pd_names_count(names), PD_NAMES_MAX_ENTRIES);
    pd_names_put(names, 1, PD_NAME_USER, id, "y", NULL);
    assert_int_equal(pd_names_count(names), 1);
}

/* Threads of one process share the cache. */
typedef struct { pd_names_t *names; int ok; } worker_t;

static void *APR_THREAD_FUNC worker(apr_thread_t *t, void *data)
{
    worker_t *w = data;
    apr_pool_t *p;
    int i;

    apr_pool_create(&p, NULL);
    w->ok = 1;
    for (i = 0; i < 20000; i++) {
        pd_name_t n;
        apr_int64_t version = 1 + (i / 5000);
        apr_int64_t id = i % 97;
        if (pd_names_get(w->names, version, PD_NAME_USER, id, p, &n) == APR_SUCCESS) {
            if (!n.name || strcmp(n.name, "name") != 0) {
                w->ok = 0;
            }
        }
        else {
            pd_names_put(w->names, version, PD_NAME_USER, id, "name", NULL);
        }
        if (i % 1000 == 0) {
            apr_pool_clear(p);
        }
    }
    apr_pool_destroy(p);
    /* a plain return: apr_thread_exit's pthread_exit from here trips
     * AddressSanitizer's own thread teardown */
    return NULL;
}

static void test_threads(void **state)
{
    apr_pool_t *p = *state;
    pd_names_t *names;
    apr_thread_t *threads[4];
    worker_t workers[4];
    apr_status_t trv;
    int i;

    assert_int_equal(pd_names_create(&names, p), APR_SUCCESS);
    for (i = 0; i < 4; i++) {
        workers[i].names = names;
        assert_int_equal(apr_thread_create(&threads[i], NULL, worker, &workers[i], p),
                         APR_SUCCESS);
    }
    for (i = 0; i < 4; i++) {
        apr_thread_join(&trv, threads[i]);
        assert_true(workers[i].ok);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_get_put),
        T(test_version_change_empties),
        T(test_copies_outlive_reset),
        T(test_cap),
        T(test_threads),
    };
#undef T
    return cmocka_run_group_tests_name("pd_names", tests, group_setup, group_teardown);
}
