/* The httpd glue: what the Apache-facing files share. */
#ifndef MOD_PD_H
#define MOD_PD_H

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_optional.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "pd_types.h"
#include "pd_error.h"
#include "pd_json.h"
#include "pd_route.h"
#include "pd_authz.h"
#include "pd_db.h"
#include "pd_claims.h"
#include "pd_smtp.h"
#include "pd_whatsapp.h"

extern module AP_MODULE_DECLARE_DATA pharmadesk_module;
/* log lines are the module's, so that "LogLevel pharmadesk:debug" applies */
APLOG_USE_MODULE(pharmadesk);

typedef struct pd_server_conf_t {
    const char *ticket_prefix;
    const char *time_zone;
    const char *api_base;
    apr_off_t max_json_body;
    int retry_after;
    pd_claims_conf_t claims;   /* single sign-on: token checks, claim mapping */
    int auto_close_days;       /* solved tickets close after this; 0: never */
    int maintenance_interval;  /* seconds between maintenance runs */
    apr_off_t attachment_max_size;   /* bytes per file */
    int attachment_max_files;        /* files per upload request */
    apr_off_t attachment_ticket_max; /* bytes of all of a ticket's files */
    unsigned attachment_types;       /* 1 << pd_sniff_e of each allowed type */
    int dashboard_interval;    /* seconds between moves of dashboard deltas into counts */
    int notify_interval;       /* seconds between runs of the notification work */
    int notify_max_attempts;   /* attempts of a delivery before it is dead */
    int notify_batch;          /* deliveries a sender claims at a time */
    int notify_fanout_batch;   /* events fanned out in one transaction */
    int notify_lease;          /* seconds a claimed delivery is held by its sender */
    int notify_retry_delay;    /* seconds before the first retry; doubling after */
    /* service levels (migrations 0030-0031) */
    int sla_interval;          /* seconds between runs of the sweep */
    int sla_batch;             /* tickets the sweep takes in one transaction */
    int sla_at_risk_percent;   /* a new policy's at-risk share, when it names none */
    /* e-mail (mod_pd_config_mail.c, mod_pd_smtp.c) */
    const char *mail_from;     /* the sender's address; NULL: no e-mail is sent */
    const char *mail_from_name;
    const char *smtp_url;      /* smtp:// or smtps:// */
    int smtp_starttls;         /* pd_smtp_tls_e */
    const char *smtp_user;     /* NULL: no authentication */
    const char *smtp_password; /* read from PharmadeskSmtpPasswordFile at start */
    int smtp_timeout;          /* seconds for one message */
    const char *portal_url;    /* the portal's absolute URL, ending in "/"; NULL: unknown */
    /* WhatsApp (mod_pd_config_whatsapp.c, mod_pd_*whatsapp*.c) */
    pd_whatsapp_conf_t whatsapp;
    /* webhooks (mod_pd_notify_webhook.c) */
    int webhook_timeout;       /* seconds for one request */
    const apr_array_header_t *webhook_allow; /* pd_webhook_net_t: reachable besides public addresses */
    /* the QR self check-in (mod_pd_res_desk_tokens.c, mod_pd_res_checkin.c) */
    const char *desk_token_secret; /* signs desk tokens; NULL: the check-in is off */
    int checkin_window;        /* seconds of a rate-limit window */
    int checkin_client_limit;  /* check-in requests per client address and window */
    int checkin_token_limit;   /* check-ins per desk token and window */
} pd_server_conf_t;

/* One API request on its way through the module. */
typedef struct pd_req_t {
    request_rec *r;
    const pd_server_conf_t *conf;
    const pd_route_t *route;
    apr_int64_t id;            /* the route's {id}, 0 when none */
    pd_identity_t who;
    pd_db_t db;
    apr_table_t *query;
    int body_read;             /* the request body was read to its end */
    const char *body;          /* that body, NUL-terminated, once read */
    apr_size_t body_len;
    /* Idempotent requests: the response waits until its work is committed
     * (and stored with the key), so a client never sees a 201 for work that
     * a failed commit undid. */
    int defer;
    int deferred_status;
    const char *deferred_json;
    pd_error_t err;
} pd_req_t;

/* A handler writes its response and returns APR_SUCCESS, or fills req->err
 * and returns anything else; the dispatcher then answers with the error. */
typedef apr_status_t (*pd_handler_fn)(pd_req_t *req);

/* mod_pd_config.c: the server configuration. */
void *pd_create_server_conf(apr_pool_t *p, server_rec *s);
void *pd_merge_server_conf(apr_pool_t *p, void *base, void *add);
void pd_config_defaults(server_rec *s);
/* The server configuration a directive sets (mod_pd_config*.c). */
pd_server_conf_t *pd_config_of(cmd_parms *cmd);
/* A word of 1 to 64 letters, digits and the characters in punct. */
int pd_config_word_ok(const char *s, apr_size_t len, const char *punct);

/* Every directive's default, once: mod_pd_config.c's defconf is made of
 * them, and so is each directive's help in the directive table
 * (mod_pharmadesk.c, shown by apache2 -L), whose "(default ...)"
 * t/35-directives.t holds conf/pharmadesk.conf and the README's table to. */
#define DEF_TICKET_PREFIX         "PD"
#define DEF_TIME_ZONE             "Asia/Jakarta"
#define DEF_API_BASE              "/api"
#define DEF_MAX_JSON_BODY         65536
#define DEF_RETRY_AFTER           5
#define DEF_AUTO_CLOSE_DAYS       7
#define DEF_MAINTENANCE_INTERVAL  300
#define DEF_ATTACHMENT_MAX_SIZE   10485760       /* 10 MiB */
#define DEF_ATTACHMENT_MAX_FILES  10
#define DEF_ATTACHMENT_TICKET_MAX 104857600      /* 100 MiB */
#define DEF_ATTACHMENT_TYPES      "png jpeg gif webp pdf zip text csv"  /* every one */
#define DEF_DASHBOARD_INTERVAL    2
#define DEF_NOTIFY_INTERVAL       2
#define DEF_NOTIFY_MAX_ATTEMPTS   8
#define DEF_NOTIFY_BATCH          50
#define DEF_NOTIFY_FANOUT_BATCH   500
#define DEF_NOTIFY_LEASE          1800
#define DEF_NOTIFY_RETRY_DELAY    60
#define DEF_SLA_INTERVAL          30
#define DEF_SLA_BATCH             500
#define DEF_SLA_AT_RISK_PERCENT   80
#define DEF_ROLE_CLAIM            "groups"
#define DEF_PHARMACY_CLAIM        "pharmacy"
#define DEF_CLAIM_DELIMITER       ","
#define DEF_ID_TOKEN_CLAIMS       "nonce at_hash"  /* as id_token_claims in mod_pd_config.c */
#define DEF_MAIL_FROM_NAME        "Pharmadesk"
#define DEF_SMTP_URL              "smtp://localhost:25"
#define DEF_SMTP_STARTTLS         "off"            /* as smtp_starttls in mod_pd_config.c */
#define DEF_SMTP_TIMEOUT          30
#define DEF_WHATSAPP_API_URL      "https://graph.facebook.com"
#define DEF_WHATSAPP_API_VERSION  "v21.0"
#define DEF_WHATSAPP_TEMPLATE     "pharmadesk_ticket_update"
#define DEF_WHATSAPP_TIMEOUT      30
#define DEF_WHATSAPP_MAX_BODY     3145728        /* 3 MiB: the most Meta sends */
#define DEF_WHATSAPP_RATE_LIMIT   600            /* requests per client address and minute */
#define DEF_WHATSAPP_CATEGORY     "Lainnya"
#define DEF_WEBHOOK_TIMEOUT       10
#define DEF_CHECKIN_WINDOW        600            /* seconds */
#define DEF_CHECKIN_CLIENT_LIMIT  20             /* requests per client address and window */
#define DEF_CHECKIN_TOKEN_LIMIT   200            /* check-ins per desk token and window */
#define DEF_WEBHOOK_ALLOW_NETWORKS "none"          /* as webhook_allow in mod_pd_config.c */

#define PD_STR_(x) #x
#define PD_STR(x) PD_STR_(x)
/* A directive's help: what it sets, then its default as a configuration
 * file would write it. */
#define PD_HELP(what, def) what " (default " def ")"

/* The directives' functions (mod_pd_config.c), for the directive table.
 * pd_set_size and pd_set_int take the directive they set as the table's
 * data: one of the pd_dir_* below, which give its field, bounds and
 * message. */
typedef struct pd_size_directive_t pd_size_directive_t;
typedef struct pd_int_directive_t pd_int_directive_t;
extern const pd_size_directive_t pd_dir_max_json_body;
extern const pd_size_directive_t pd_dir_attachment_max_size;
extern const pd_size_directive_t pd_dir_attachment_ticket_max;
extern const pd_int_directive_t pd_dir_retry_after;
extern const pd_int_directive_t pd_dir_auto_close_days;
extern const pd_int_directive_t pd_dir_maintenance_interval;
extern const pd_int_directive_t pd_dir_dashboard_interval;
extern const pd_int_directive_t pd_dir_attachment_max_files;
extern const pd_int_directive_t pd_dir_notify_interval;
extern const pd_int_directive_t pd_dir_notify_max_attempts;
extern const pd_int_directive_t pd_dir_notify_batch;
extern const pd_int_directive_t pd_dir_sla_interval;
extern const pd_int_directive_t pd_dir_sla_batch;
extern const pd_int_directive_t pd_dir_sla_at_risk_percent;
extern const pd_int_directive_t pd_dir_notify_fanout_batch;
extern const pd_int_directive_t pd_dir_notify_lease;
extern const pd_int_directive_t pd_dir_notify_retry_delay;
extern const pd_int_directive_t pd_dir_smtp_timeout;
extern const pd_int_directive_t pd_dir_whatsapp_timeout;
extern const pd_int_directive_t pd_dir_whatsapp_rate_limit;
extern const pd_size_directive_t pd_dir_whatsapp_max_body;
extern const pd_int_directive_t pd_dir_webhook_timeout;
extern const pd_int_directive_t pd_dir_checkin_window;
extern const pd_int_directive_t pd_dir_checkin_client_limit;
extern const pd_int_directive_t pd_dir_checkin_token_limit;
const char *pd_set_desk_token_secret_file(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_size(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_int(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_ticket_prefix(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_time_zone(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_api_base(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_attachment_type(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_issuer(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_audience(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_token_type(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_token_claims(cmd_parms *cmd, void *dc, const char *args);
const char *pd_set_id_claims(cmd_parms *cmd, void *dc, const char *args);
const char *pd_set_role_claim(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_pharmacy_claim(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_role_map(cmd_parms *cmd, void *dc, const char *value, const char *role);
const char *pd_set_delimiter(cmd_parms *cmd, void *dc, const char *arg);
/* mod_pd_config_mail.c: the e-mail directives */
const char *pd_set_mail_from(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_mail_from_name(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_smtp_url(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_smtp_starttls(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_smtp_user(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_smtp_password_file(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_portal_url(cmd_parms *cmd, void *dc, const char *arg);
/* mod_pd_config.c: the networks webhooks may reach */
const char *pd_set_webhook_allow(cmd_parms *cmd, void *dc, int argc, char *const argv[]);
/* What no single directive can check: credentials come in pairs. NULL, or
 * the message that stops Apache (check_config, so apache2 -t says it). */
const char *pd_mail_config_check(const pd_server_conf_t *conf);
/* Runs check on every server's configuration (a check_config hook's
 * work): OK, or HTTP_INTERNAL_SERVER_ERROR after logging the first
 * problem, which stops Apache. */
int pd_config_check_servers(server_rec *s, const char *(*check)(const pd_server_conf_t *conf));
/* A secret read at start from a file that root alone may read (Apache
 * reads its configuration as root, before its children drop to www-data):
 * the file's first line, at most max bytes of UTF-8 without control
 * characters. what names it in the messages ("password"). NULL, or the
 * message that stops Apache. */
const char *pd_config_secret_file(cmd_parms *cmd, const char *arg, const char *what,
                                  apr_size_t max, const char **secret);
/* mod_pd_config_whatsapp.c: the WhatsApp directives */
const char *pd_set_whatsapp_api_url(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_api_version(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_phone_number_id(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_token_file(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_app_secret_file(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_verify_token_file(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_template(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_category(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_set_whatsapp_module(cmd_parms *cmd, void *dc, const char *arg);
const char *pd_whatsapp_config_check(const pd_server_conf_t *conf);

/* Each subsystem registers its own hooks (called by mod_pharmadesk.c). */
/* mod_pd_handler.c: the configuration's defaults, the API handler */
void pd_handler_register(apr_pool_t *p);
/* mod_pd_maintenance.c: the work no request does, through mod_watchdog */
void pd_maintenance_register(apr_pool_t *p);
/* mod_pd_names.c: the per-process name cache */
void pd_names_register(apr_pool_t *p);
/* mod_pd_smtp.c: libcurl's initialization, the e-mail configuration's checks */
void pd_smtp_register(apr_pool_t *p);
/* mod_pd_whatsapp_hook.c: the WhatsApp configuration's checks, the
 * webhook's handler (SetHandler pharmadesk-whatsapp) */
void pd_whatsapp_register(apr_pool_t *p);
/* mod_pd_health.c: the load balancer's health check (SetHandler
 * pharmadesk-health) */
void pd_health_register(apr_pool_t *p);
/* mod_pd_metrics.c: the node's counters in shared memory, their Prometheus
 * endpoint (SetHandler pharmadesk-metrics) and server-status section */
void pd_metrics_register(apr_pool_t *p);
/* What the rest of the module tells the counters: a pooled connection
 * acquired or not and how long that took, a statement failed, a
 * background job ran (its index in pd_maintenance_job_kinds), the route a
 * request matched. */
void pd_metrics_note_acquire(int ok, apr_interval_time_t took);
void pd_metrics_note_statement_failure(void);
void pd_metrics_note_job(apr_size_t job, int ok);
void pd_metrics_note_route(request_rec *r, const pd_route_t *route);
/* mod_pd_maintenance.c: the background jobs' short names, by index */
const char *const *pd_maintenance_job_kinds(apr_size_t *count);

/* mod_pd_smtp.c: sends one message (pd_mail_build's) from the envelope
 * sender to one recipient through the server's SMTP configuration. APR_SUCCESS once the
 * SMTP server took it; else PD_SMTP_TEMPORARY (try again later: the server answered 4xx,
 * could not be reached, timed out, refused the credentials or TLS) or PD_SMTP_PERMANENT
 * (it refused the sender, the recipient or the message with 5xx; pd_smtp_permanent(rv)),
 * with *error a short reason for the delivery log ("connection refused", "550 5.1.1
 * mailbox unavailable"). Blocks for up to PharmadeskSmtpTimeout seconds: call it from
 * background work, never while answering a request. */
apr_status_t pd_smtp_send(server_rec *s, const pd_server_conf_t *conf, const char *from, const char *to,
                          const char *message, apr_pool_t *p, const char **error);

/* mod_pd_handler.c: a connection of mod_dbd's pool for the request into
 * req->db; 503 when there is none (PostgreSQL is away). */
apr_status_t pd_acquire_db(pd_req_t *req);

/* mod_pd_routes.c: the one route table */
const pd_route_t *pd_routes(apr_size_t *count);

/* mod_pd_names.c: the names beside ids in ticket rows (pd_ticket.h layout) */
apr_status_t pd_ticket_names(pd_req_t *req, const char ***rows, int nrows);

/* mod_pd_ticket_transition.c: what a status change carries besides the
 * status (technical note, resolution, reason, rating). */
typedef struct pd_transition_text_t {
    const char *note;          /* staff: internal; customers: public */
    const char *message;       /* public: resolution, reason, rating comment, message */
    int rating;                /* 1-5 when confirming a solution, 0: none */
} pd_transition_text_t;
/* 422 naming the member a move lacks, or one that does not fit it. */
apr_status_t pd_transition_check(pd_req_t *req, pd_status_e from, pd_status_e to,
                                 const pd_transition_text_t *tx);
/* Puts the message and rating on the timeline (the note is the caller's). */
apr_status_t pd_transition_record(pd_req_t *req, pd_status_e from, pd_status_e to,
                                  const pd_transition_text_t *tx);
/* One timeline row of req's ticket by the caller. */
apr_status_t pd_ticket_activity_add(pd_req_t *req, const char *kind, const char *field,
                                    const char *old_value, const char *new_value,
                                    const char *body, const char *visibility);

/* mod_pd_idempotency.c: runs an idempotent route's handler under its
 * Idempotency-Key header (replaying the first answer on a retry). */
apr_status_t pd_idempotent_call(pd_req_t *req, const char *key, pd_handler_fn handler);
/* 1 for an Idempotency-Key's value: 1 to 255 visible ASCII characters. */
int pd_idempotency_key_valid(const char *key);

/* mod_pd_identity.c: r->user -> users row */
apr_status_t pd_identify(pd_req_t *req);
/* Whether an Apache authentication module vouched for r->user. */
int pd_authenticated(request_rec *r);
/* Whether the credentials are ones a browser sends by itself (a session
 * cookie, Basic): everything but a bearer token. */
int pd_session_auth(request_rec *r);

/* mod_pd_request.c: bodies, responses, errors */
/* Cache-Control: no-store and X-Content-Type-Options: nosniff, on every
 * response the API sends, errors too. */
void pd_common_headers(request_rec *r);
/* A request's state for one of the module's handlers: its configuration,
 * no error yet. */
pd_req_t *pd_req_create(request_rec *r);
apr_status_t pd_read_json(pd_req_t *req, json_t **out);
/* Reads the JSON body's bytes (content type and size checked) into
 * req->body once; pd_read_json parses them from there. */
apr_status_t pd_read_body(pd_req_t *req);
/* The same for a body of any type, up to limit bytes (413 beyond, told by
 * its Content-Length or counted as it arrives). */
apr_status_t pd_read_body_limit(pd_req_t *req, apr_off_t limit);
/* Reads the body to its end a piece at a time (about piece bytes), handing
 * each to sink. Bytes are counted as they arrive, so a chunked body meets
 * the same limit: past limit bytes, 413. Read failures fill req->err (400,
 * 408, 413); a sink's failure stops the reading and is passed on. */
typedef apr_status_t (*pd_body_sink_fn)(void *ctx, const char *data, apr_size_t len);
apr_status_t pd_read_body_stream(pd_req_t *req, apr_off_t limit, apr_size_t piece,
                                 pd_body_sink_fn sink, void *ctx);
/* Sends a response that pd_respond_json held back (req->defer). */
apr_status_t pd_respond_deferred(pd_req_t *req);
/* application/json, optionally with parameters such as charset=utf-8 */
int pd_is_json_type(const char *content_type);
apr_status_t pd_parse_query(pd_req_t *req, const char *const *allowed);
apr_status_t pd_respond_json(pd_req_t *req, int status, const char *json_text);
apr_status_t pd_respond_json_value(pd_req_t *req, int status, json_t *json);
apr_status_t pd_respond_no_content(pd_req_t *req);
apr_status_t pd_respond_not_modified(pd_req_t *req);
void pd_respond_error(request_rec *r, const pd_server_conf_t *conf, const pd_error_t *err);
/* Logs the database's message (the one log point for data failures) and
 * fills req->err with 503. A warning, unless the call did not match its
 * statement (db.misuse): that is logged as an error, which fails the
 * test suite. */
apr_status_t pd_fail_db(pd_req_t *req, const char *doing);
/* An action on the row named by req->id (a retry, a replay): the action
 * statement (the id its one parameter) returns the row's JSON when it
 * acted, answered with status; no row means the row is absent or in no
 * state for it, which the lookup statement (the same parameter) tells
 * apart: absent, 404 not_found "no such <what>"; present, refused(req,
 * row) fills the 409 and its reason from the lookup's row. doing names the
 * action in the log. */
typedef apr_status_t (*pd_act_refused_fn)(pd_req_t *req, pd_db_result_t *row);
apr_status_t pd_act_on_row(pd_req_t *req, pd_sql_id_e action, pd_sql_id_e lookup, int status,
                           const char *doing, const char *what, pd_act_refused_fn refused);
/* "{"items":[...],"next":...}" from pre-rendered item texts, with an ETag;
 * 304 to an If-None-Match that names it. */
apr_status_t pd_respond_page(pd_req_t *req, apr_array_header_t *items, const char *next);
/* The same with more members after "next" (extra: their JSON text, without
 * the enclosing braces; NULL for none). */
apr_status_t pd_respond_page_extra(pd_req_t *req, apr_array_header_t *items, const char *next,
                                   const char *extra);

/* mod_pd_etag.c: conditional requests, decided by pd_cond.c. The
 * request's If-Match and If-None-Match against etag, the tag of the
 * resource as it is now: APR_SUCCESS to go on; APR_SUCCESS with
 * *not_modified set when the answer is a 304 (sent); a 412 in req->err. */
apr_status_t pd_preconditions(pd_req_t *req, const char *etag, int *not_modified);
/* Sets the ETag of a list page (or the dashboard) from its bytes
 * (SHA-256), then pd_preconditions. */
apr_status_t pd_etag_page(pd_req_t *req, const char *body, int *not_modified);

/* Resources, one file each. */
apr_status_t pd_res_me_get(pd_req_t *req);
apr_status_t pd_res_tickets_list(pd_req_t *req);
apr_status_t pd_res_tickets_get(pd_req_t *req);
apr_status_t pd_res_tickets_delete(pd_req_t *req);
apr_status_t pd_res_activities_list(pd_req_t *req);
apr_status_t pd_res_comments_create(pd_req_t *req);
/* mod_pd_res_comments.c: a public reply or an internal note by the caller
 * on ticket req->id, within the caller's open transaction: the rules of
 * the API (404 for a ticket the caller cannot see, pd_authz_ticket_entry),
 * the timeline entry (*json, as the timeline shows it to the caller), and
 * for a public reply the workflow's move (pd_workflow_after_reply) and the
 * ticket's touch. On failure req->err is filled; the caller rolls back. */
apr_status_t pd_comment_add(pd_req_t *req, const char *body, int internal, const char **json);
apr_status_t pd_res_workload_get(pd_req_t *req);
apr_status_t pd_res_attachments_create(pd_req_t *req);
apr_status_t pd_res_attachments_list(pd_req_t *req);
apr_status_t pd_res_attachments_download(pd_req_t *req);
apr_status_t pd_res_attachments_preview(pd_req_t *req);
apr_status_t pd_res_attachments_view(pd_req_t *req);
/* One ticket as JSON with its ETag, within a pharmacy scope (0: all);
 * APR_NOTFOUND with req->err set to 404 when there is none. */
apr_status_t pd_ticket_fetch(pd_req_t *req, apr_int64_t id, apr_int64_t scope,
                             const char **json, const char **etag);
/* The answer to a write of ticket id: the ticket as it is now, 200, with
 * its new ETag. */
apr_status_t pd_ticket_respond(pd_req_t *req, apr_int64_t id);
/* APR_SUCCESS when the caller may see ticket req->id; else 404 (someone
 * else's ticket and no ticket look the same) or 503. */
apr_status_t pd_ticket_visible(pd_req_t *req);
/* The same from the current row of a result with the single-ticket columns
 * (TICKET_COLUMNS and the description); reads the result to its end. */
apr_status_t pd_ticket_from_row(pd_req_t *req, pd_db_result_t *res, const char **json,
                                const char **etag);
/* The current row of pd_tickets_brief or pd_tickets_lock_brief: what
 * pd_authz decides on. */
void pd_ticket_facts_read(pd_db_result_t *res, pd_ticket_facts_t *t);
/* Locks ticket req->id, within the caller's pharmacy scope, inside the
 * open transaction, and reads its facts: 404 when there is none to see. */
apr_status_t pd_ticket_lock_facts(pd_req_t *req, pd_ticket_facts_t *facts);
/* A single ticket's ETag: its id and version, and the caller's role, which
 * with the ticket decides what it allows them; then the countdown of its
 * service level clocks while they run (pd_sla_countdown; "" or NULL: none),
 * which a write's If-Match leaves out (pd_sla_tags_base). */
const char *pd_ticket_etag(pd_req_t *req, const char *id, const char *version,
                           const char *countdown);
/* created_from and created_to (pd_q_time), each NULL when absent. */
apr_status_t pd_ticket_created_params(pd_req_t *req, const char **from, const char **to);
/* The current row's ticket columns (TICKET_COLUMNS, PD_TC_DESCRIPTION of
 * them), copied into room for PD_TC__COUNT, as pd_ticket_page_render takes. */
const char **pd_ticket_row_copy(pd_req_t *req, pd_db_result_t *res);
/* Reads a result of ticket rows (TICKET_COLUMNS, a list's sort key after
 * them) to its end, copying the columns of its first `limit` tickets into
 * page (room for limit rows) and, unless last_key is NULL, keeping the last
 * one's sort key; returns the number of rows there were. */
int pd_ticket_page_read(pd_req_t *req, pd_db_result_t *res, int limit, const char ***page,
                        const char **last_key);
/* Those tickets with their names, as comma-separated JSON objects ("" for
 * none). */
apr_status_t pd_ticket_page_render(pd_req_t *req, const char ***page, int count,
                                   const char **json);
apr_status_t pd_res_tickets_create(pd_req_t *req);
apr_status_t pd_res_tickets_update(pd_req_t *req);
/* Lists for triage: one PATCH body applied to ticket req->id as PATCH
 * /api/tickets/{id} applies it, in a transaction of its own, without the
 * request's preconditions and without an answer (shape_only: the body's
 * shape checked, nothing applied); a ticket list's filters
 * (query) checked by the list's parser and, with count, counted up to a
 * bound (*more: beyond it); the bulk change, saved views and the menu's
 * counts. */
apr_status_t pd_ticket_patch(pd_req_t *req, json_t *body, int shape_only);
apr_status_t pd_ticket_list_count(pd_req_t *req, apr_table_t *query, int *count, int *more);
apr_status_t pd_res_tickets_bulk(pd_req_t *req);
apr_status_t pd_res_ticket_counts(pd_req_t *req);
apr_status_t pd_res_views_list(pd_req_t *req);
apr_status_t pd_res_views_create(pd_req_t *req);
apr_status_t pd_res_views_update(pd_req_t *req);
apr_status_t pd_res_views_delete(pd_req_t *req);
apr_status_t pd_res_categories_list(pd_req_t *req);
apr_status_t pd_res_categories_get(pd_req_t *req);
apr_status_t pd_res_categories_create(pd_req_t *req);
apr_status_t pd_res_categories_update(pd_req_t *req);
apr_status_t pd_res_categories_delete(pd_req_t *req);
apr_status_t pd_res_modules_list(pd_req_t *req);
apr_status_t pd_res_modules_get(pd_req_t *req);
apr_status_t pd_res_modules_create(pd_req_t *req);
apr_status_t pd_res_modules_update(pd_req_t *req);
apr_status_t pd_res_modules_delete(pd_req_t *req);
apr_status_t pd_res_pharmacies_list(pd_req_t *req);
apr_status_t pd_res_pharmacies_get(pd_req_t *req);
apr_status_t pd_res_pharmacies_create(pd_req_t *req);
apr_status_t pd_res_pharmacies_update(pd_req_t *req);
apr_status_t pd_res_pharmacies_delete(pd_req_t *req);
apr_status_t pd_res_users_list(pd_req_t *req);
apr_status_t pd_res_users_get(pd_req_t *req);
apr_status_t pd_res_users_create(pd_req_t *req);
apr_status_t pd_res_users_update(pd_req_t *req);
apr_status_t pd_res_users_delete(pd_req_t *req);
apr_status_t pd_res_roles_list(pd_req_t *req);
apr_status_t pd_res_roles_get(pd_req_t *req);
apr_status_t pd_res_audit_list(pd_req_t *req);
apr_status_t pd_res_dashboard_get(pd_req_t *req);
apr_status_t pd_res_sla_calendars_list(pd_req_t *req);
apr_status_t pd_res_sla_calendars_get(pd_req_t *req);
apr_status_t pd_res_sla_calendars_create(pd_req_t *req);
apr_status_t pd_res_sla_calendars_update(pd_req_t *req);
apr_status_t pd_res_sla_calendars_delete(pd_req_t *req);
apr_status_t pd_res_sla_policies_list(pd_req_t *req);
apr_status_t pd_res_sla_policies_get(pd_req_t *req);
apr_status_t pd_res_sla_policies_create(pd_req_t *req);
apr_status_t pd_res_sla_policies_update(pd_req_t *req);
apr_status_t pd_res_sla_policies_delete(pd_req_t *req);
apr_status_t pd_res_sla_policies_recompute(pd_req_t *req);
apr_status_t pd_res_tickets_escalate(pd_req_t *req);
apr_status_t pd_res_sla_compliance(pd_req_t *req);
/* mod_pd_res_reports.c: the reports, and CSV answers */
apr_status_t pd_res_report_volume(pd_req_t *req);
apr_status_t pd_res_report_times(pd_req_t *req);
apr_status_t pd_res_report_sla(pd_req_t *req);
apr_status_t pd_res_report_staff(pd_req_t *req);
apr_status_t pd_res_report_csat(pd_req_t *req);
struct pd_csv_t;
/* Whether the caller asked for CSV (format=csv, or an Accept naming
 * text/csv and no JSON), and a byte order mark with it (bom=true); 400 on
 * bad values. */
apr_status_t pd_csv_wanted(pd_req_t *req, int *csv, int *bom);
/* Starts a 200 text/csv answer, an attachment named name (".csv" added:
 * the module's own letters, digits and dashes). */
void pd_csv_start(pd_req_t *req, const char *name);
/* Sends what c holds and empties it; APR_ECONNABORTED when the client went. */
apr_status_t pd_csv_send(pd_req_t *req, struct pd_csv_t *c);
/* mod_pd_res_ticket_export.c: the ticket list as CSV. statement gives the
 * list's statement and arguments for a page of PD_EXPORT_PAGE tickets and
 * one after a cursor (key and after_id; NULL: from the start), the
 * export's ctx passed along; cursor_key and cursor_id: where the list's own
 * cursor starts it (NULL: the start). */
#define PD_EXPORT_PAGE 500
typedef void (*pd_export_statement_fn)(pd_req_t *req, void *ctx, const char *key,
                                       const char *after_id, pd_sql_id_e *id, const char **args,
                                       int *nargs);
apr_status_t pd_ticket_export(pd_req_t *req, int bom, pd_export_statement_fn statement, void *ctx,
                              const char *cursor_key, const char *cursor_id);
apr_status_t pd_res_tickets_de_escalate(pd_req_t *req);
apr_status_t pd_res_me_update(pd_req_t *req);
apr_status_t pd_res_notify_prefs_get(pd_req_t *req);
apr_status_t pd_res_notify_prefs_update(pd_req_t *req);
apr_status_t pd_res_notify_defaults_get(pd_req_t *req);
apr_status_t pd_res_notify_defaults_update(pd_req_t *req);
apr_status_t pd_res_notifications_list(pd_req_t *req);
apr_status_t pd_res_notifications_unread(pd_req_t *req);
apr_status_t pd_res_notifications_read(pd_req_t *req);
apr_status_t pd_res_notifications_read_all(pd_req_t *req);
apr_status_t pd_res_deliveries_list(pd_req_t *req);
apr_status_t pd_res_deliveries_retry(pd_req_t *req);
apr_status_t pd_res_ticket_notifications(pd_req_t *req);
/* mod_pd_res_imports.c */
apr_status_t pd_res_imports_create(pd_req_t *req);

/* mod_pd_res_org_units.c, mod_pd_res_org_contacts.c: the organisation */
apr_status_t pd_res_org_units_list(pd_req_t *req);
apr_status_t pd_res_org_units_get(pd_req_t *req);
apr_status_t pd_res_org_units_create(pd_req_t *req);
apr_status_t pd_res_org_units_update(pd_req_t *req);
apr_status_t pd_res_org_units_delete(pd_req_t *req);
apr_status_t pd_res_directory_get(pd_req_t *req);
apr_status_t pd_res_org_contacts_list(pd_req_t *req);
apr_status_t pd_res_org_contacts_create(pd_req_t *req);
apr_status_t pd_res_org_contacts_update(pd_req_t *req);
apr_status_t pd_res_org_contacts_delete(pd_req_t *req);
apr_status_t pd_res_tickets_route(pd_req_t *req);
/* mod_pd_res_front_desk.c: visitors and letters that open cases */
apr_status_t pd_res_front_desk_get(pd_req_t *req);
apr_status_t pd_res_front_desk_put(pd_req_t *req);
apr_status_t pd_res_visitors_create(pd_req_t *req);
/* mod_pd_res_desk_tokens.c, mod_pd_res_checkin.c: the QR self check-in */
apr_status_t pd_res_desk_tokens_list(pd_req_t *req);
apr_status_t pd_res_desk_tokens_create(pd_req_t *req);
apr_status_t pd_res_desk_tokens_get(pd_req_t *req);
apr_status_t pd_res_desk_tokens_revoke(pd_req_t *req);
apr_status_t pd_res_checkin_get(pd_req_t *req);
apr_status_t pd_res_checkin_create(pd_req_t *req);
/* A visitor as the desk (POST /visitors) or the QR form (POST /checkin)
 * sends them: one intake for both. */
typedef struct pd_visitor_in_t {
    const char *name, *id_number, *institution, *phone, *purpose;
    const char *source;        /* walkin, register, qr */
    apr_int64_t unit;          /* 0: none given */
} pd_visitor_in_t;
/* Reads and checks the visitor's fields of body, refusing any member not
 * in fields (422); org_unit_id is read with unit_flags (PD_V_REQUIRED, or
 * 0 when it may be absent). */
apr_status_t pd_visitor_read(pd_req_t *req, const json_t *body, const char *const *fields,
                             unsigned unit_flags, pd_visitor_in_t *v);
/* Checks the visitor in: the visitor and their case in one transaction
 * (the caller's, when it has one open), answered 201 with the JSON of the
 * insert statement, which writes the visitor and says what to answer:
 * PD_SQL_VISITORS_INSERT (the staff's reading of a visitor, as the writer
 * may see it) or PD_SQL_VISITORS_INSERT_SELF (what a visitor checking
 * themselves in is told), and, unless path is NULL, a Location below it. */
apr_status_t pd_visitor_check_in(pd_req_t *req, const pd_visitor_in_t *v, pd_sql_id_e insert,
                                 const char *path);
apr_status_t pd_res_visitors_get(pd_req_t *req);
apr_status_t pd_res_visitors_list(pd_req_t *req);
apr_status_t pd_res_visitors_check_out(pd_req_t *req);
apr_status_t pd_res_surat_create(pd_req_t *req);
apr_status_t pd_res_surat_get(pd_req_t *req);
apr_status_t pd_res_surat_list(pd_req_t *req);
apr_status_t pd_res_tickets_acknowledge(pd_req_t *req);

/* A user's place in the organisation, as the users API takes it: org_unit_id
 * (an active unit), nip_nik (8 to 20 digits, unique) and institution, each
 * optional and nullable; given: which were sent. */
typedef struct pd_user_place_t {
    const char *org_unit, *nip_nik, *institution;
    int has_org_unit, has_nip_nik, has_institution;
} pd_user_place_t;
apr_status_t pd_user_place_read(pd_req_t *req, const json_t *body, pd_user_place_t *out);
/* 422 unless the unit named is active. */
apr_status_t pd_user_place_check(pd_req_t *req, const pd_user_place_t *pl);
/* Checks and writes what was sent (in the caller's transaction); 409 when
 * another user has the NIP/NIK. */
apr_status_t pd_user_place_write(pd_req_t *req, apr_int64_t user, const pd_user_place_t *pl);

#include "mod_pd_audit.h"

/* Shared by the list resources: limit (1..100, default 25) and cursor. */
#define PD_LIST_MAX_LIMIT 100
#define PD_LIST_DEFAULT_LIMIT 25
apr_status_t pd_list_limit(pd_req_t *req, int *limit);
/* The same, with another default when limit is absent. */
apr_status_t pd_list_limit_or(pd_req_t *req, int absent, int *limit);
/* An optional id filter (pd_q_id): its text, NULL when absent. */
apr_status_t pd_id_param(pd_req_t *req, const char *key, const char **out);
/* An optional filter that takes one of the words in allowed (NULL
 * ended): the word, NULL when absent; any other, 400 invalid_parameter
 * naming them all. */
apr_status_t pd_choice_param(pd_req_t *req, const char *key, const char *const *allowed,
                             const char **out);

/* Name-sorted lists (pharmacies, users): the q prefix search and the cursor,
 * then the page from rows of (id, name, json). */
apr_status_t pd_name_page_params(pd_req_t *req, const char *sort, const char **q,
                                 const char **after_name, const char **after_id);
apr_status_t pd_name_page_respond(pd_req_t *req, pd_db_result_t *res, int limit,
                                  const char *sort);

#endif
