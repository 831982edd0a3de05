/* mod_pharmadesk: a helpdesk inside Apache httpd.
 * The module record and the registration of hooks, each subsystem
 * registering its own; the directives and their checks are in
 * src/mod_pd_config.c, the work in src/ (pd_*.c: the httpd-free core;
 * mod_pd_*.c: the glue). */
#include "src/mod_pd.h"

static void register_hooks(apr_pool_t *p)
{
    pd_handler_register(p);        /* defaults, libcrypto, mod_dbd, the API handler */
    pd_names_register(p);          /* the name cache of each child */
    pd_maintenance_register(p);    /* the background jobs (mod_watchdog) */
}

module AP_MODULE_DECLARE_DATA pharmadesk_module = {
    STANDARD20_MODULE_STUFF,
    NULL,                      /* per-directory config */
    NULL,                      /* merge per-directory */
    pd_create_server_conf,
    pd_merge_server_conf,
    pd_directives,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
