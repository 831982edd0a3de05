#include "pd_ticket.h"

/* {"id":..,"name":..} or null when the reference is empty. */
static void person(pd_jw_t *w, const char *key, const char *id, const char *name)
{
    pd_jw_key(w, key);
    if (!id) {
        pd_jw_string(w, NULL);     /* a null value, separated like any other */
        return;
    }
    pd_jw_begin(w, '{');
    pd_jw_key(w, "id");
    pd_jw_number(w, id);
    pd_jw_key(w, "name");
    pd_jw_string(w, name);
    pd_jw_end(w, '}');
}

static void lookup(pd_jw_t *w, const char *key, const char *id, const char *code_key,
                   const char *code, const char *name)
{
    pd_jw_key(w, key);
    pd_jw_begin(w, '{');
    pd_jw_key(w, "id");
    pd_jw_number(w, id);
    pd_jw_key(w, code_key);
    pd_jw_string(w, code);
    pd_jw_key(w, "name");
    pd_jw_string(w, name);
    pd_jw_end(w, '}');
}

void pd_ticket_render(pd_jw_t *w, const char *const *c, int with_description)
{
    static const struct { const char *key; pd_ticket_col_e col; } texts[] = {
        { "number", PD_TC_NUMBER }, { "title", PD_TC_TITLE }, { "pic_name", PD_TC_PIC_NAME },
        { "contact", PD_TC_CONTACT }, { "app_version", PD_TC_APP_VERSION },
        { "priority", PD_TC_PRIORITY }, { "status", PD_TC_STATUS }, { "source", PD_TC_SOURCE },
    };
    static const struct { const char *key; pd_ticket_col_e col; } times[] = {
        { "created_at", PD_TC_CREATED_AT }, { "updated_at", PD_TC_UPDATED_AT },
        { "first_response_at", PD_TC_FIRST_RESPONSE_AT }, { "solved_at", PD_TC_SOLVED_AT },
        { "closed_at", PD_TC_CLOSED_AT },
    };
    apr_size_t i;

    pd_jw_begin(w, '{');
    pd_jw_key(w, "id");
    pd_jw_number(w, c[PD_TC_ID]);
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        pd_jw_key(w, texts[i].key);
        pd_jw_string(w, c[texts[i].col]);
    }
    pd_jw_key(w, "version");
    pd_jw_number(w, c[PD_TC_VERSION]);
    lookup(w, "pharmacy", c[PD_TC_PHARMACY_ID], "code", c[PD_TC_PHARMACY_CODE],
           c[PD_TC_PHARMACY_NAME]);
    lookup(w, "module", c[PD_TC_MODULE_ID], "color", c[PD_TC_MODULE_COLOR],
           c[PD_TC_MODULE_NAME]);
    lookup(w, "category", c[PD_TC_CATEGORY_ID], "color", c[PD_TC_CATEGORY_COLOR],
           c[PD_TC_CATEGORY_NAME]);
    person(w, "customer", c[PD_TC_CUSTOMER_ID], c[PD_TC_CUSTOMER_NAME]);
    person(w, "expert", c[PD_TC_EXPERT_ID], c[PD_TC_EXPERT_NAME]);
    person(w, "tech", c[PD_TC_TECH_ID], c[PD_TC_TECH_NAME]);
    person(w, "created_by", c[PD_TC_CREATOR_ID], c[PD_TC_CREATOR_NAME]);
    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        pd_jw_key(w, times[i].key);
        pd_jw_timestamp(w, c[times[i].col]);
    }
    if (with_description) {
        pd_jw_key(w, "description");
        pd_jw_string(w, c[PD_TC_DESCRIPTION]);
    }
    pd_jw_end(w, '}');
}
