#include <apr_strings.h>
#include "pd_ticket.h"
#include "pd_workflow.h"
#include "pd_sla.h"

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

/* The ticket's members, its object left open. */
static void render_members(pd_jw_t *w, const char *const *c, int with_description)
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
    pd_sla_render(w, c);
    pd_jw_key(w, "escalated");
    pd_jw_bool(w, c[PD_TC_ESCALATED_AT] != NULL);
    pd_jw_key(w, "escalated_at");
    pd_jw_timestamp(w, c[PD_TC_ESCALATED_AT]);
    pd_jw_key(w, "rating");
    pd_jw_number(w, c[PD_TC_RATING]);
    pd_jw_key(w, "org_unit_id");
    pd_jw_number(w, c[PD_TC_ORG_UNIT_ID]);
    pd_jw_key(w, "case_type");
    pd_jw_string(w, c[PD_TC_CASE_TYPE]);
    pd_jw_key(w, "acknowledged_at");
    pd_jw_timestamp(w, c[PD_TC_ACKNOWLEDGED_AT]);
    pd_jw_key(w, "case_record_id");
    pd_jw_number(w, c[PD_TC_CASE_RECORD_ID]);
    if (with_description) {
        pd_jw_key(w, "description");
        pd_jw_string(w, c[PD_TC_DESCRIPTION]);
    }
}

void pd_ticket_render(pd_jw_t *w, const char *const *c, int with_description)
{
    render_members(w, c, with_description);
    pd_jw_end(w, '}');
}

void pd_ticket_facts(pd_ticket_facts_t *t, const char *const *c)
{
    int st = pd_status_parse(c[PD_TC_STATUS]);

    /* a status the enum does not know moves nowhere: as if final */
    t->status = st >= 0 ? (pd_status_e)st : PD_ST_CANCELLED;
    t->pharmacy_id = c[PD_TC_PHARMACY_ID] ? apr_atoi64(c[PD_TC_PHARMACY_ID]) : 0;
    t->tech_id = c[PD_TC_TECH_ID] ? apr_atoi64(c[PD_TC_TECH_ID]) : 0;
    t->expert_id = c[PD_TC_EXPERT_ID] ? apr_atoi64(c[PD_TC_EXPERT_ID]) : 0;
    t->escalated = c[PD_TC_ESCALATED_AT] != NULL;
    t->org_units = NULL;
    t->awaiting_ack = c[PD_TC_CASE_TYPE] != NULL && c[PD_TC_ACKNOWLEDGED_AT] == NULL;
}

/* ["public","internal"], the caller's default first. */
static void visibilities(pd_jw_t *w, const char *key, unsigned set, int internal_first)
{
    pd_jw_key(w, key);
    pd_jw_begin(w, '[');
    if (internal_first && (set & PD_AE_INTERNAL)) {
        pd_jw_string(w, "internal");
    }
    if (set & PD_AE_PUBLIC) {
        pd_jw_string(w, "public");
    }
    if (!internal_first && (set & PD_AE_INTERNAL)) {
        pd_jw_string(w, "internal");
    }
    pd_jw_end(w, ']');
}

static void render_allowed(pd_jw_t *w, const pd_identity_t *who, const pd_ticket_facts_t *t)
{
    pd_ticket_allowed_t a;
    unsigned bit;
    int st;

    pd_authz_ticket_allowed(who, t, &a);
    pd_jw_key(w, "allowed");
    pd_jw_begin(w, '{');
    pd_jw_key(w, "transitions");
    pd_jw_begin(w, '[');
    for (st = 0; st < PD_ST__COUNT; st++) {
        unsigned texts;
        if (!(a.moves & (1u << st))) {
            continue;
        }
        texts = pd_workflow_texts(who->role, t->status, (pd_status_e)st);
        pd_jw_begin(w, '{');
        pd_jw_key(w, "to");
        pd_jw_string(w, pd_status_name((pd_status_e)st));
        pd_jw_key(w, "needs_tech");
        pd_jw_bool(w, (a.moves_need_tech & (1u << st)) != 0);
        pd_jw_key(w, "requires");
        pd_jw_begin(w, '[');
        if (texts & PD_WF_NEEDS_NOTE) {
            pd_jw_string(w, "note");
        }
        if (texts & (PD_WF_NEEDS_MESSAGE | PD_WF_NEEDS_REASON)) {
            pd_jw_string(w, "message");
        }
        pd_jw_end(w, ']');
        pd_jw_key(w, "rating");
        pd_jw_bool(w, (texts & PD_WF_TAKES_RATING) != 0);
        pd_jw_end(w, '}');
    }
    pd_jw_end(w, ']');
    pd_jw_key(w, "fields");
    pd_jw_begin(w, '[');
    for (bit = 1; bit <= PD_TF__ALL; bit <<= 1) {
        if (a.fields & bit) {
            pd_jw_string(w, pd_authz_field_name(bit));
        }
    }
    pd_jw_end(w, ']');
    pd_jw_key(w, "take");
    pd_jw_bool(w, a.take);
    visibilities(w, "comment", a.comment, a.internal_first);
    visibilities(w, "upload", a.upload, a.internal_first);
    pd_jw_key(w, "delete");
    pd_jw_bool(w, a.remove);
    pd_jw_key(w, "escalate");
    pd_jw_bool(w, a.escalate);
    pd_jw_key(w, "de_escalate");
    pd_jw_bool(w, a.de_escalate);
    pd_jw_key(w, "acknowledge");
    pd_jw_bool(w, a.acknowledge);
    pd_jw_end(w, '}');
}

void pd_ticket_render_one(pd_jw_t *w, const char *const *c, const pd_identity_t *who)
{
    pd_ticket_facts_t t;

    render_members(w, c, 1);
    pd_ticket_facts(&t, c);
    render_allowed(w, who, &t);
    pd_jw_end(w, '}');
}
