/* Prints the route table (src/mod_pd_routes.c, compiled without its
 * handlers) as JSON: one object per route with its method, path pattern, the
 * permission it needs, its query parameters, whether it takes an
 * Idempotency-Key and whether its body is a multipart form. t/15-openapi.t
 * compares it with the API's description, so that neither can gain a route,
 * a parameter or a header the other lacks. */
#include <stdio.h>
#include <jansson.h>
#include "mod_pd.h"

static const char *method_name(unsigned m)
{
    switch (m) {
    case PD_M_GET: return "GET";
    case PD_M_POST: return "POST";
    case PD_M_PUT: return "PUT";
    case PD_M_PATCH: return "PATCH";
    case PD_M_DELETE: return "DELETE";
    default: return NULL;
    }
}

int main(void)
{
    apr_size_t count, i;
    const pd_route_t *table = pd_routes(&count);
    json_t *out = json_array();

    for (i = 0; i < count; i++) {
        const pd_route_t *r = &table[i];
        const char *method = method_name(r->method);
        json_t *params = json_array();
        const char *const *q;

        if (!method) {
            fprintf(stderr, "route %s has an unknown method %u\n", r->pattern, r->method);
            return 1;
        }
        for (q = r->params; q && *q; q++) {
            json_array_append_new(params, json_string(*q));
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:o, s:b, s:b}",
                                             "method", method, "path", r->pattern,
                                             "permission", pd_action_name((pd_action_e)r->action),
                                             "query", params, "idempotency_key", r->idempotent,
                                             "multipart", r->multipart));
    }
    if (json_dumpf(out, stdout, JSON_INDENT(1)) != 0 || fputc('\n', stdout) == EOF) {
        return 1;
    }
    json_decref(out);
    return 0;
}
