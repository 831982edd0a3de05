/* mod_pharmadesk: a helpdesk inside Apache httpd.
 * The module record and nothing else: the directives are in
 * src/mod_pd_config.c, the hook registration in src/mod_pd_handler.c, and
 * the work in src/ (pd_*.c: the httpd-free core; mod_pd_*.c: the glue). */
#include "src/mod_pd.h"

module AP_MODULE_DECLARE_DATA pharmadesk_module = {
    STANDARD20_MODULE_STUFF,
    NULL,                      /* per-directory config */
    NULL,                      /* merge per-directory */
    pd_create_server_conf,
    pd_merge_server_conf,
    pd_directives,
    pd_register_hooks,
    AP_MODULE_FLAG_NONE
};
