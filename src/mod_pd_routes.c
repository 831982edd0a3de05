/* The one route table: method + path (below PharmadeskApiBase) -> the action
 * the caller must be allowed (pd_authz.c) -> the handler. The authorization
 * matrix tests are generated from this table. */
#include "mod_pd.h"

#define H(fn) ((pd_route_fn)(fn))

static const pd_route_t routes[] = {
    { PD_M_GET,    "/me",                     PD_ACT_ME,             H(pd_res_me_get) },

    { PD_M_GET,    "/tickets",                PD_ACT_TICKET_LIST,    H(pd_res_tickets_list) },
    { PD_M_POST,   "/tickets",                PD_ACT_TICKET_CREATE,  H(pd_res_tickets_create) },
    { PD_M_GET,    "/tickets/{id}",           PD_ACT_TICKET_READ,    H(pd_res_tickets_get) },
    { PD_M_PATCH,  "/tickets/{id}",           PD_ACT_TICKET_UPDATE,  H(pd_res_tickets_update) },
    { PD_M_DELETE, "/tickets/{id}",           PD_ACT_TICKET_DELETE,  H(pd_res_tickets_delete) },

    { PD_M_GET,    "/ticket-categories",      PD_ACT_LOOKUP_READ,    H(pd_res_categories_list) },
    { PD_M_POST,   "/ticket-categories",      PD_ACT_LOOKUP_WRITE,   H(pd_res_categories_create) },
    { PD_M_GET,    "/ticket-categories/{id}", PD_ACT_LOOKUP_READ,    H(pd_res_categories_get) },
    { PD_M_PATCH,  "/ticket-categories/{id}", PD_ACT_LOOKUP_WRITE,   H(pd_res_categories_update) },
    { PD_M_DELETE, "/ticket-categories/{id}", PD_ACT_LOOKUP_WRITE,   H(pd_res_categories_delete) },

    { PD_M_GET,    "/ticket-modules",         PD_ACT_LOOKUP_READ,    H(pd_res_modules_list) },
    { PD_M_POST,   "/ticket-modules",         PD_ACT_LOOKUP_WRITE,   H(pd_res_modules_create) },
    { PD_M_GET,    "/ticket-modules/{id}",    PD_ACT_LOOKUP_READ,    H(pd_res_modules_get) },
    { PD_M_PATCH,  "/ticket-modules/{id}",    PD_ACT_LOOKUP_WRITE,   H(pd_res_modules_update) },
    { PD_M_DELETE, "/ticket-modules/{id}",    PD_ACT_LOOKUP_WRITE,   H(pd_res_modules_delete) },

    { PD_M_GET,    "/pharmacies",             PD_ACT_PHARMACY_READ,  H(pd_res_pharmacies_list) },
    { PD_M_POST,   "/pharmacies",             PD_ACT_PHARMACY_WRITE, H(pd_res_pharmacies_create) },
    { PD_M_GET,    "/pharmacies/{id}",        PD_ACT_PHARMACY_READ,  H(pd_res_pharmacies_get) },
    { PD_M_PATCH,  "/pharmacies/{id}",        PD_ACT_PHARMACY_WRITE, H(pd_res_pharmacies_update) },
    { PD_M_DELETE, "/pharmacies/{id}",        PD_ACT_PHARMACY_WRITE, H(pd_res_pharmacies_delete) },

    { PD_M_GET,    "/users",                  PD_ACT_USER_READ,      H(pd_res_users_list) },
    { PD_M_POST,   "/users",                  PD_ACT_USER_WRITE,     H(pd_res_users_create) },
    { PD_M_GET,    "/users/{id}",             PD_ACT_USER_READ,      H(pd_res_users_get) },
    { PD_M_PATCH,  "/users/{id}",             PD_ACT_USER_WRITE,     H(pd_res_users_update) },
    { PD_M_DELETE, "/users/{id}",             PD_ACT_USER_WRITE,     H(pd_res_users_delete) },

    { PD_M_GET,    "/roles",                  PD_ACT_ROLE_READ,      H(pd_res_roles_list) },
    { PD_M_GET,    "/roles/{id}",             PD_ACT_ROLE_READ,      H(pd_res_roles_get) },
};

const pd_route_t *pd_routes(apr_size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
