#include <string.h>
#include "pd_types.h"

/* Index = enum value; the strings are the database's CHECK-constraint values. */
static const char *const role_codes[PD_ROLE__COUNT] = {
    "none", "admin", "team_expert", "tech", "customer", "manager"
};
/* Index = enum value = the roles table's key. */
static const char *const role_ids[PD_ROLE__COUNT] = {
    NULL, "1", "2", "3", "4", "5"
};
static const char *const status_names[PD_ST__COUNT] = {
    "open", "in_review", "in_progress", "waiting_customer", "solved", "closed", "cancelled"
};
static const char *const priority_names[PD_PRIO__COUNT] = {
    "low", "medium", "high", "urgent"
};
static const char *const source_names[PD_SRC__COUNT] = {
    "customer", "team_expert", "internal", "whatsapp", "walkin", "register", "qr", "surat_form"
};
static const char *const audit_action_names[PD_AUDIT__ACTIONS] = {
    "create", "update", "deactivate", "delete", "recompute"
};
static const char *const entity_names[PD_ENTITY__COUNT] = {
    "user", "role", "ticket_category", "ticket_module", "pharmacy", "ticket", "sla_calendar",
    "sla_policy", "webhook_endpoint", "org_unit", "org_unit_contact", "desk_token"
};

static int lookup(const char *const *names, int n, const char *s)
{
    int i;
    if (!s) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], s) == 0) {
            return i;
        }
    }
    return -1;
}

int pd_role_parse(const char *code)
{
    int r = lookup(role_codes, PD_ROLE__COUNT, code);
    return r == PD_ROLE_NONE ? -1 : r;
}

const char *pd_role_code(pd_role_e role)
{
    return (role >= 0 && role < PD_ROLE__COUNT) ? role_codes[role] : "none";
}

const char *pd_role_param(pd_role_e role)
{
    return (role >= 0 && role < PD_ROLE__COUNT) ? role_ids[role] : NULL;
}

int pd_status_parse(const char *name)
{
    return lookup(status_names, PD_ST__COUNT, name);
}

const char *pd_status_name(pd_status_e st)
{
    return (st >= 0 && st < PD_ST__COUNT) ? status_names[st] : NULL;
}

int pd_priority_parse(const char *name)
{
    return lookup(priority_names, PD_PRIO__COUNT, name);
}

const char *pd_priority_name(pd_priority_e prio)
{
    return (prio >= 0 && prio < PD_PRIO__COUNT) ? priority_names[prio] : NULL;
}

int pd_source_parse(const char *name)
{
    return lookup(source_names, PD_SRC__COUNT, name);
}

const char *pd_source_name(pd_source_e src)
{
    return (src >= 0 && src < PD_SRC__COUNT) ? source_names[src] : NULL;
}

const char *pd_audit_action_name(pd_audit_action_e action)
{
    return (action >= 0 && action < PD_AUDIT__ACTIONS) ? audit_action_names[action] : NULL;
}

int pd_entity_parse(const char *name)
{
    return lookup(entity_names, PD_ENTITY__COUNT, name);
}

const char *pd_entity_name(pd_entity_e entity)
{
    return (entity >= 0 && entity < PD_ENTITY__COUNT) ? entity_names[entity] : NULL;
}

pd_source_e pd_source_for_role(pd_role_e role)
{
    switch (role) {
    case PD_ROLE_CUSTOMER:
        return PD_SRC_CUSTOMER;
    case PD_ROLE_EXPERT:
        return PD_SRC_TEAM_EXPERT;
    default:
        return PD_SRC_INTERNAL;
    }
}
