/* Names beside ids in tickets, from the per-process name cache (pd_names.h)
 * and, for what it lacks, one statement per batch of tickets. */
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_names.h"
#include "pd_ticket.h"

/* One per child process, created before it serves requests; the pointer is
 * not written again, the cache has its own lock. */
static pd_names_t *cache = NULL;

static void names_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = pd_names_create(&cache, pchild);
    if (rv != APR_SUCCESS) {
        /* not fatal: every batch of names is then read from the database */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "pharmadesk: no name cache in this process");
        cache = NULL;
    }
}

void pd_names_register(apr_pool_t *p)
{
    ap_hook_child_init(names_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}

/* Where each reference's id, name and second value (code or color) sit in a
 * ticket row. */
static const struct {
    pd_name_kind_e kind;
    pd_ticket_col_e id, name;
    int extra;                 /* a pd_ticket_col_e, or -1 */
} slots[] = {
    { PD_NAME_PHARMACY, PD_TC_PHARMACY_ID, PD_TC_PHARMACY_NAME, PD_TC_PHARMACY_CODE },
    { PD_NAME_MODULE, PD_TC_MODULE_ID, PD_TC_MODULE_NAME, PD_TC_MODULE_COLOR },
    { PD_NAME_CATEGORY, PD_TC_CATEGORY_ID, PD_TC_CATEGORY_NAME, PD_TC_CATEGORY_COLOR },
    { PD_NAME_USER, PD_TC_CUSTOMER_ID, PD_TC_CUSTOMER_NAME, -1 },
    { PD_NAME_USER, PD_TC_EXPERT_ID, PD_TC_EXPERT_NAME, -1 },
    { PD_NAME_USER, PD_TC_TECH_ID, PD_TC_TECH_NAME, -1 },
    { PD_NAME_USER, PD_TC_CREATOR_ID, PD_TC_CREATOR_NAME, -1 },
};
#define SLOTS (sizeof(slots) / sizeof(slots[0]))

apr_status_t pd_ticket_names(pd_req_t *req, const char ***rows, int nrows)
{
    apr_pool_t *p = req->r->pool;
    apr_hash_t *known[PD_NAME__KINDS];
    apr_array_header_t *missing[PD_NAME__KINDS];
    const char *args[PD_NAME__KINDS];
    apr_int64_t version = req->who.name_version;
    int k, i, any_missing = 0;
    apr_size_t s;

    for (k = 0; k < PD_NAME__KINDS; k++) {
        known[k] = apr_hash_make(p);
        missing[k] = apr_array_make(p, 8, sizeof(const char *));
    }
    for (i = 0; i < nrows; i++) {
        for (s = 0; s < SLOTS; s++) {
            const char *id_text = rows[i][slots[s].id];
            apr_int64_t *id;
            pd_name_t *n;
            if (!id_text) {
                continue;
            }
            id = apr_palloc(p, sizeof(*id));
            *id = apr_atoi64(id_text);
            if (apr_hash_get(known[slots[s].kind], id, sizeof(*id))) {
                continue;
            }
            n = apr_pcalloc(p, sizeof(*n));
            apr_hash_set(known[slots[s].kind], id, sizeof(*id), n);
            if (!cache || pd_names_get(cache, version, slots[s].kind, *id, p, n) != APR_SUCCESS) {
                APR_ARRAY_PUSH(missing[slots[s].kind], const char *) = id_text;
                any_missing = 1;
            }
        }
    }
    if (any_missing) {
        pd_db_result_t res;
        for (k = 0; k < PD_NAME__KINDS; k++) {
            /* ids from the database: a safe array literal */
            args[k] = missing[k]->nelts
                      ? apr_pstrcat(p, "{", apr_array_pstrcat(p, missing[k], ','), "}", NULL)
                      : NULL;
        }
        if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_NAMES_FETCH, args), &res) != APR_SUCCESS) {
            return pd_fail_db(req, "reading names");
        }
        while (pd_db_next(&res) == APR_SUCCESS) {
            int kind = (int)pd_db_get_int64(&res, 0);
            apr_int64_t id = pd_db_get_int64(&res, 1);
            pd_name_t *n;
            if (kind < 0 || kind >= PD_NAME__KINDS
                || !(n = apr_hash_get(known[kind], &id, sizeof(id)))) {
                continue;
            }
            n->name = pd_db_get(&res, 2);
            n->extra = pd_db_get(&res, 3);
            if (cache) {
                pd_names_put(cache, version, (pd_name_kind_e)kind, id, n->name, n->extra);
            }
        }
    }
    for (i = 0; i < nrows; i++) {
        for (s = 0; s < SLOTS; s++) {
            apr_int64_t id;
            const pd_name_t *n;
            if (!rows[i][slots[s].id]) {
                continue;
            }
            id = apr_atoi64(rows[i][slots[s].id]);
            n = apr_hash_get(known[slots[s].kind], &id, sizeof(id));
            rows[i][slots[s].name] = n ? n->name : NULL;
            if (slots[s].extra >= 0) {
                rows[i][slots[s].extra] = n ? n->extra : NULL;
            }
        }
    }
    return APR_SUCCESS;
}
