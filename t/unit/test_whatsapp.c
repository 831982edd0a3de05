/* pd_whatsapp: numbers, the template message a notification becomes, what
 * the API's answers mean, the webhook's signature (against a vector
 * computed apart) and handshake, and what a notification holds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <jansson.h>

#include "pd_unit.h"
#include "pd_whatsapp.h"
#include "pd_whatsapp_api.h"

static void test_numbers(void **state)
{
    apr_pool_t *p = *state;

    assert_true(pd_whatsapp_number_valid("+6281234567890"));
    assert_true(pd_whatsapp_number_valid("+1234567"));
    assert_true(pd_whatsapp_number_valid("+123456789012345"));
    assert_false(pd_whatsapp_number_valid("+1234567890123456"));  /* 16 digits */
    assert_false(pd_whatsapp_number_valid("+123456"));
    assert_false(pd_whatsapp_number_valid("6281234567890"));
    assert_false(pd_whatsapp_number_valid("+0812345678"));
    assert_false(pd_whatsapp_number_valid("+62 812"));
    assert_false(pd_whatsapp_number_valid(NULL));

    assert_string_equal(pd_whatsapp_number_normalize(p, "+62 812-3456-7890"), "+6281234567890");
    assert_string_equal(pd_whatsapp_number_normalize(p, "+62 (812) 3456.7890"), "+6281234567890");
    assert_null(pd_whatsapp_number_normalize(p, "0812-3456-7890"));
    assert_null(pd_whatsapp_number_normalize(p, "+62812345678a"));
    assert_null(pd_whatsapp_number_normalize(p, "+62\n81234567"));
    assert_null(pd_whatsapp_number_normalize(p, ""));

    assert_string_equal(pd_whatsapp_wa_id("+6281234567890"), "6281234567890");
    assert_null(pd_whatsapp_wa_id("6281234567890"));
    assert_string_equal(pd_whatsapp_e164(p, "6281234567890"), "+6281234567890");
    assert_null(pd_whatsapp_e164(p, "abc"));
    assert_null(pd_whatsapp_e164(p, NULL));
}

static void test_param(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pd_whatsapp_param(p, "a\nb\tc     d  ", 100), "a b c d");
    assert_string_equal(pd_whatsapp_param(p, "", 100), "-");
    assert_string_equal(pd_whatsapp_param(p, NULL, 100), "-");
    assert_string_equal(pd_whatsapp_param(p, " \n\t ", 100), "-");
    /* cut at a character, with an ellipsis */
    assert_string_equal(pd_whatsapp_param(p, "Struk tidak tercetak di kasir", 12), "Struk tidak\xE2\x80\xA6");
    assert_string_equal(pd_whatsapp_language("en"), "en");
    assert_string_equal(pd_whatsapp_language("id"), "id");
    assert_string_equal(pd_whatsapp_language("fr"), "id");
    assert_string_equal(pd_whatsapp_language(NULL), "id");
}

static pd_notify_event_t reply_event(void)
{
    pd_notify_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = PD_EV_PUBLIC_REPLY;
    ev.ticket_id = 42;
    ev.ticket_number = "PD-2026-000042";
    ev.ticket_title = "Struk tidak\ntercetak";
    ev.pharmacy_name = "Apotek Sehat";
    ev.priority = "high";
    ev.actor_name = "Dewi Lestari";
    ev.body = "Sudah kami periksa.\n\nMohon dicoba lagi.";
    ev.visibility = "public";
    return ev;
}

static void test_params(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_event_t ev = reply_event();
    const char *params[PD_WHATSAPP_PARAMS];
    int i;

    assert_int_equal(pd_whatsapp_params(p, &ev, "id", "https://desk.example.org/#/t/42", params),
                     APR_SUCCESS);
    assert_string_equal(params[0], "PD-2026-000042");
    assert_string_equal(params[1], "Struk tidak tercetak");
    assert_string_equal(params[2], "Dewi Lestari membalas tiket PD-2026-000042: "
                                   "\xE2\x80\x9CSudah kami periksa. Mohon dicoba lagi.\xE2\x80\x9D");
    assert_string_equal(params[3], "https://desk.example.org/#/t/42");
    assert_int_equal(pd_whatsapp_params(p, &ev, "en", "https://desk.example.org/#/t/42", params),
                     APR_SUCCESS);
    assert_string_equal(params[2], "Dewi Lestari replied on ticket PD-2026-000042: "
                                   "\xE2\x80\x9CSudah kami periksa. Mohon dicoba lagi.\xE2\x80\x9D");
    for (i = 0; i < PD_WHATSAPP_PARAMS; i++) {
        assert_null(strpbrk(params[i], "\n\t"));
        assert_null(strstr(params[i], "  "));
    }
    /* a status change: the words of the reader's language */
    ev.kind = PD_EV_STATUS_CHANGED;
    ev.old_value = "open";
    ev.new_value = "solved";
    ev.body = NULL;
    assert_int_equal(pd_whatsapp_params(p, &ev, "en", "https://desk.example.org/#/t/42", params),
                     APR_SUCCESS);
    assert_string_equal(params[2], "Dewi Lestari changed the status of ticket PD-2026-000042 from "
                                   "Open to Solved.");
    /* no link, no message */
    assert_int_equal(pd_whatsapp_params(p, &ev, "en", NULL, params), APR_EINVAL);
    ev.kind = PD_EV__COUNT;
    assert_int_equal(pd_whatsapp_params(p, &ev, "en", "https://d.example.org/#/t/1", params),
                     APR_EINVAL);
}

static void test_message_json(void **state)
{
    apr_pool_t *p = *state;
    const char *params[] = { "PD-2026-000042", "Judul \"kutip\"", "Apa yang terjadi", "https://d/#/t/1" };
    const char *json;
    json_t *m, *component, *list;
    json_error_t err;

    assert_int_equal(pd_whatsapp_message_json(p, "+6281234567890", "pharmadesk_ticket_update", "en",
                                              params, 4, "pd-delivery-7", &json), APR_SUCCESS);
    m = json_loads(json, 0, &err);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "messaging_product")), "whatsapp");
    assert_string_equal(json_string_value(json_object_get(m, "recipient_type")), "individual");
    assert_string_equal(json_string_value(json_object_get(m, "to")), "6281234567890");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "template");
    assert_string_equal(json_string_value(json_object_get(m, "biz_opaque_callback_data")),
                        "pd-delivery-7");
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "template"), "name")),
                        "pharmadesk_ticket_update");
    assert_string_equal(json_string_value(json_object_get(
        json_object_get(json_object_get(m, "template"), "language"), "code")), "en");
    component = json_array_get(json_object_get(json_object_get(m, "template"), "components"), 0);
    assert_string_equal(json_string_value(json_object_get(component, "type")), "body");
    list = json_object_get(component, "parameters");
    assert_int_equal(json_array_size(list), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "type")), "text");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "text")),
                        "Judul \"kutip\"");
    json_decref(m);

    /* no callback: no member */
    assert_int_equal(pd_whatsapp_message_json(p, "+6281234567890", "t", "id", params, 4, NULL,
                                              &json), APR_SUCCESS);
    assert_null(strstr(json, "biz_opaque_callback_data"));
    assert_non_null(strstr(json, "\"code\":\"id\""));
    /* what may not go out */
    assert_int_equal(pd_whatsapp_message_json(p, "081234567890", "t", "id", params, 4, NULL, &json),
                     APR_EINVAL);
    assert_int_equal(pd_whatsapp_message_json(p, "+6281234567890", "Bad Name", "id", params, 4,
                                              NULL, &json), APR_EINVAL);
}

static void test_callback(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(pd_whatsapp_callback(p, 42), "pd-delivery-42");
    assert_int_equal(pd_whatsapp_callback_delivery("pd-delivery-42"), 42);
    assert_int_equal(pd_whatsapp_callback_delivery("pd-delivery-"), 0);
    assert_int_equal(pd_whatsapp_callback_delivery("pd-delivery-4x"), 0);
    assert_int_equal(pd_whatsapp_callback_delivery("{\"source\":\"api\"}"), 0);
    assert_int_equal(pd_whatsapp_callback_delivery("pd-delivery-12345678901234567890"), 0);
    assert_int_equal(pd_whatsapp_callback_delivery(NULL), 0);
}

/* The answer's verdict: rv, permanent, and the message id. */
static apr_status_t answer(apr_pool_t *p, long status, const char *body,
                           pd_whatsapp_outcome_t *out)
{
    return pd_whatsapp_response(p, status, body, body ? strlen(body) : 0, out);
}

#define GRAPH_ERROR(code) \
    "{\"error\":{\"message\":\"(#" #code ") a reason\",\"type\":\"OAuthException\",\"code\":" #code \
    ",\"error_subcode\":2494010,\"fbtrace_id\":\"AbC\"}}"

static void test_response(void **state)
{
    apr_pool_t *p = *state;
    pd_whatsapp_outcome_t o;

    assert_int_equal(answer(p, 200, "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":"
                            "\"6281\",\"wa_id\":\"6281\"}],\"messages\":[{\"id\":\"wamid.HBgN\"}]}", &o),
                     APR_SUCCESS);
    assert_string_equal(o.message_id, "wamid.HBgN");
    assert_null(o.error);
    /* taken without an id: sent all the same */
    assert_int_equal(answer(p, 200, "not json", &o), APR_SUCCESS);
    assert_null(o.message_id);

    /* authentication, permission, template, parameter, recipient: permanent */
    assert_int_equal(answer(p, 401, GRAPH_ERROR(190), &o), APR_EGENERAL);
    assert_true(o.permanent);
    assert_string_equal(o.error, "HTTP 401, error 190/2494010: (#190) a reason");
    assert_int_equal(answer(p, 403, GRAPH_ERROR(10), &o), APR_EGENERAL);
    assert_true(o.permanent);
    assert_int_equal(answer(p, 404, GRAPH_ERROR(132001), &o), APR_EGENERAL);
    assert_true(o.permanent);
    assert_int_equal(answer(p, 400, GRAPH_ERROR(131026), &o), APR_EGENERAL);
    assert_true(o.permanent);
    /* rate limits and Meta's trouble: temporary, whatever the status */
    assert_int_equal(answer(p, 400, GRAPH_ERROR(130429), &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_int_equal(answer(p, 400, GRAPH_ERROR(131056), &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_int_equal(answer(p, 403, GRAPH_ERROR(4), &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_int_equal(answer(p, 400, GRAPH_ERROR(80007), &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_int_equal(answer(p, 500, GRAPH_ERROR(131000), &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_int_equal(answer(p, 503, GRAPH_ERROR(100), &o), APR_EGENERAL);
    assert_false(o.permanent);
    /* without the API's error: by the status */
    assert_int_equal(answer(p, 502, "<html>Bad gateway</html>", &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_string_equal(o.error, "HTTP 502 from the WhatsApp API");
    assert_int_equal(answer(p, 429, NULL, &o), APR_EGENERAL);
    assert_false(o.permanent);
    assert_int_equal(answer(p, 400, "", &o), APR_EGENERAL);
    assert_true(o.permanent);
    assert_int_equal(answer(p, 301, NULL, &o), APR_EGENERAL);
    assert_false(o.permanent);
    /* a message that would break a log line stays one line */
    assert_int_equal(answer(p, 400, "{\"error\":{\"message\":\"a\\nb\",\"code\":100}}", &o),
                     APR_EGENERAL);
    assert_null(strchr(o.error, '\n'));
}

static void test_config_values(void **state)
{
    apr_pool_t *p = *state;
    pd_whatsapp_api_t api = { "https://graph.facebook.com", "v21.0", "106540352242922", "t", 5, NULL };

    assert_true(pd_whatsapp_api_url_valid("https://graph.facebook.com"));
    assert_true(pd_whatsapp_api_url_valid("https://graph.example.org:8443/proxy"));
    assert_true(pd_whatsapp_api_url_valid("http://127.0.0.1:9999"));
    assert_true(pd_whatsapp_api_url_valid("http://localhost:9999"));
    assert_true(pd_whatsapp_api_url_valid("http://[::1]:9999"));
    assert_false(pd_whatsapp_api_url_valid("http://graph.facebook.com"));
    assert_false(pd_whatsapp_api_url_valid("http://localhost.evil.example:80"));
    assert_false(pd_whatsapp_api_url_valid("https://graph.facebook.com/"));
    assert_false(pd_whatsapp_api_url_valid("https://user:pw@graph.facebook.com"));
    assert_false(pd_whatsapp_api_url_valid("https://graph.facebook.com/?x=1"));
    assert_false(pd_whatsapp_api_url_valid("ftp://graph.facebook.com"));
    assert_false(pd_whatsapp_api_url_valid("https://"));
    assert_true(pd_whatsapp_api_version_valid("v21.0"));
    assert_true(pd_whatsapp_api_version_valid("v9.10"));
    assert_false(pd_whatsapp_api_version_valid("21.0"));
    assert_false(pd_whatsapp_api_version_valid("v21"));
    assert_false(pd_whatsapp_api_version_valid("v21.0/x"));
    assert_true(pd_whatsapp_id_valid("106540352242922"));
    assert_false(pd_whatsapp_id_valid("+6281234"));
    assert_false(pd_whatsapp_id_valid(""));
    assert_true(pd_whatsapp_template_name_valid("pharmadesk_ticket_update"));
    assert_false(pd_whatsapp_template_name_valid("Pharmadesk"));
    assert_false(pd_whatsapp_template_name_valid("a-b"));
    assert_string_equal(pd_whatsapp_messages_url(p, &api),
                        "https://graph.facebook.com/v21.0/106540352242922/messages");
}

static void test_post_refuses(void **state)
{
    apr_pool_t *p = *state;
    pd_whatsapp_outcome_t o;
    pd_whatsapp_api_t bad = { "http://graph.facebook.com", "v21.0", "1", "t", 5, NULL };
    pd_whatsapp_api_t header = { "https://graph.facebook.com", "v21.0", "1", "t\r\nX-Evil: 1", 5, NULL };

    /* nothing leaves for a URL or token that could go astray */
    assert_int_equal(pd_whatsapp_post(&bad, "{}", p, &o), APR_EINVAL);
    assert_true(o.permanent);
    assert_int_equal(pd_whatsapp_post(&header, "{}", p, &o), APR_EINVAL);
    assert_true(o.permanent);
}

/* HMAC-SHA256("secret", "test"), computed apart (openssl dgst -sha256 -hmac). */
#define VECTOR "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"

static void test_signature(void **state)
{
    apr_pool_t *p = *state;
    const char *body = "{\"object\":\"whatsapp_business_account\"}";
    char upper[] = VECTOR;
    apr_size_t i;

    assert_true(pd_whatsapp_signature_ok("secret", "test", 4, VECTOR));
    assert_string_equal(pd_whatsapp_signature(p, "secret", "test", 4), VECTOR);
    for (i = 7; upper[i]; i++) {
        upper[i] = (char)apr_toupper(upper[i]);
    }
    assert_true(pd_whatsapp_signature_ok("secret", "test", 4, upper));
    /* the body, the secret, the header: any change and it fails */
    assert_false(pd_whatsapp_signature_ok("secret", "tesT", 4, VECTOR));
    assert_false(pd_whatsapp_signature_ok("secret", "test ", 5, VECTOR));
    assert_false(pd_whatsapp_signature_ok("Secret", "test", 4, VECTOR));
    assert_false(pd_whatsapp_signature_ok("secret", "test", 4, VECTOR + 7));          /* no prefix */
    assert_false(pd_whatsapp_signature_ok("secret", "test", 4, "sha1=0329a06b62cd16b33eb6"));
    assert_false(pd_whatsapp_signature_ok("secret", "test", 4, "sha256=0329"));
    assert_false(pd_whatsapp_signature_ok("secret", "test", 4, VECTOR "00"));
    assert_false(pd_whatsapp_signature_ok("secret", "test", 4,
        "sha256=zz29a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"));
    assert_false(pd_whatsapp_signature_ok("secret", "test", 4, NULL));
    assert_false(pd_whatsapp_signature_ok("", "test", 4, VECTOR));
    assert_false(pd_whatsapp_signature_ok(NULL, "test", 4, VECTOR));
    /* a body with a NUL byte is signed over all its bytes */
    assert_true(pd_whatsapp_signature_ok("k", "a\0b", 3, pd_whatsapp_signature(p, "k", "a\0b", 3)));
    assert_false(pd_whatsapp_signature_ok("k", "a\0b", 1, pd_whatsapp_signature(p, "k", "a\0b", 3)));
    assert_true(pd_whatsapp_signature_ok("app-secret", body, strlen(body),
                                         pd_whatsapp_signature(p, "app-secret", body, strlen(body))));
}

static void test_handshake(void **state)
{
    (void)state;
    assert_true(pd_whatsapp_handshake_ok("subscribe", "verify-me", "1158201444", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-me!", "1158201444", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-m", "1158201444", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("unsubscribe", "verify-me", "1", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok(NULL, "verify-me", "1", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", NULL, "1", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "", "1", ""));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-me", NULL, "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-me", "", "verify-me"));
    assert_true(pd_whatsapp_handshake_ok("subscribe", "verify-me", "aZ09-._~", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-me", "<script>", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-me", "a b", "verify-me"));
    assert_false(pd_whatsapp_handshake_ok("subscribe", "verify-me", "a\r\nSet-Cookie: x",
                                          "verify-me"));
}

#define CHANGE(phone, value) \
    "{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":" \
    "{\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"" phone "\"}," value "}}"

static void test_notice(void **state)
{
    apr_pool_t *p = *state;
    const char *body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":["
        CHANGE("106540352242922",
               "\"contacts\":[{\"profile\":{\"name\":\"Rina\\nMarlina\"},\"wa_id\":\"6281234567890\"}],"
               "\"messages\":["
               "{\"from\":\"6281234567890\",\"id\":\"wamid.A\",\"timestamp\":\"1700000000\","
               "\"type\":\"text\",\"text\":{\"body\":\"Printer mati\\r\\nlagi\"}},"
               "{\"from\":\"6281234567890\",\"id\":\"wamid.B\",\"timestamp\":\"1700000001\","
               "\"type\":\"image\",\"image\":{\"caption\":\"struk\",\"id\":\"1\"}},"
               "{\"from\":\"6281234567890\",\"id\":\"wamid.C\",\"timestamp\":\"1700000002\","
               "\"type\":\"reaction\",\"reaction\":{\"emoji\":\"x\",\"message_id\":\"wamid.A\"}},"
               "{\"from\":\"6281234567890\",\"id\":\"wamid.D\",\"type\":\"document\","
               "\"document\":{\"filename\":\"log.txt\"}},"
               "{\"from\":\"6281234567890\",\"id\":\"wamid.E\",\"type\":\"text\",\"text\":{\"body\":\" \\n \"}},"
               "{\"from\":\"6281234567890\",\"type\":\"text\",\"text\":{\"body\":\"no id\"}},"
               "{\"from\":\"abc\",\"id\":\"wamid.F\",\"type\":\"text\",\"text\":{\"body\":\"odd sender\"}}"
               "],\"statuses\":["
               "{\"id\":\"wamid.S1\",\"status\":\"delivered\",\"timestamp\":\"1\",\"recipient_id\":\"62\","
               "\"biz_opaque_callback_data\":\"pd-delivery-9\"},"
               "{\"id\":\"wamid.S2\",\"status\":\"failed\",\"errors\":[{\"code\":131026,"
               "\"title\":\"Message undeliverable\"}]}]") ","
        CHANGE("999", "\"messages\":[{\"from\":\"6281234567890\",\"id\":\"wamid.X\",\"type\":\"text\","
                      "\"text\":{\"body\":\"to another number\"}}]") ","
        "{\"field\":\"account_update\",\"value\":{}}"
        "]}]}";
    pd_whatsapp_notice_t n;
    const pd_whatsapp_in_t *m;
    const pd_whatsapp_status_t *s;
    const char *why = NULL;

    assert_int_equal(pd_whatsapp_notice_parse(p, body, strlen(body), "106540352242922", &n, &why),
                     APR_SUCCESS);
    assert_int_equal(n.skipped, 2);
    assert_int_equal(n.messages->nelts, 6);
    m = &APR_ARRAY_IDX(n.messages, 0, pd_whatsapp_in_t);
    assert_string_equal(m->id, "wamid.A");
    assert_string_equal(m->from, "+6281234567890");
    assert_string_equal(m->name, "Rina Marlina");
    assert_string_equal(m->type, "text");
    assert_string_equal(m->text, "Printer mati\nlagi");
    m = &APR_ARRAY_IDX(n.messages, 1, pd_whatsapp_in_t);
    assert_string_equal(m->text, "[image] struk");
    m = &APR_ARRAY_IDX(n.messages, 2, pd_whatsapp_in_t);
    assert_string_equal(m->type, "reaction");
    assert_null(m->text);
    m = &APR_ARRAY_IDX(n.messages, 3, pd_whatsapp_in_t);
    assert_string_equal(m->text, "[document: log.txt]");
    m = &APR_ARRAY_IDX(n.messages, 4, pd_whatsapp_in_t);
    assert_null(m->text);                                   /* white space alone */
    m = &APR_ARRAY_IDX(n.messages, 5, pd_whatsapp_in_t);
    assert_string_equal(m->id, "wamid.F");
    assert_null(m->from);                                   /* no number: no sender */

    assert_int_equal(n.statuses->nelts, 2);
    s = &APR_ARRAY_IDX(n.statuses, 0, pd_whatsapp_status_t);
    assert_string_equal(s->id, "wamid.S1");
    assert_string_equal(s->status, "delivered");
    assert_int_equal(s->delivery_id, 9);
    assert_null(s->error);
    s = &APR_ARRAY_IDX(n.statuses, 1, pd_whatsapp_status_t);
    assert_string_equal(s->status, "failed");
    assert_int_equal(s->delivery_id, 0);
    assert_string_equal(s->error, "error 131026: Message undeliverable");

    /* not for us at all */
    assert_int_equal(pd_whatsapp_notice_parse(p, "{\"object\":\"page\",\"entry\":[]}", 29,
                                              "1", &n, &why), APR_EINVAL);
    assert_non_null(why);
    assert_int_equal(pd_whatsapp_notice_parse(p, "[1]", 3, "1", &n, &why), APR_EINVAL);
    assert_int_equal(pd_whatsapp_notice_parse(p, "{\"object\":", 10, "1", &n, &why), APR_EINVAL);
    /* shapes that are wrong all the way down are skipped, not fatal */
    body = "{\"object\":\"whatsapp_business_account\",\"entry\":[1,{\"changes\":\"x\"},"
           "{\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"1\"},"
           "\"messages\":[1,{\"id\":5},{\"id\":\"wamid.Z\",\"from\":\"62812345678\",\"type\":7}],"
           "\"statuses\":{\"id\":\"x\"}}}]}]}";
    assert_int_equal(pd_whatsapp_notice_parse(p, body, strlen(body), "1", &n, &why), APR_SUCCESS);
    assert_int_equal(n.messages->nelts, 0);
    assert_int_equal(n.statuses->nelts, 0);
}

static void test_title(void **state)
{
    apr_pool_t *p = *state;
    char long_line[300];

    assert_string_equal(pd_whatsapp_ticket_title(p, "Printer mati\nSudah dicoba restart", "+62812"),
                        "Printer mati");
    assert_string_equal(pd_whatsapp_ticket_title(p, "\n  \nHalo", "+62812"), "Halo");
    assert_string_equal(pd_whatsapp_ticket_title(p, " \n ", "+6281234567890"), "WhatsApp +6281234567890");
    assert_string_equal(pd_whatsapp_ticket_title(p, NULL, "+6281234567890"), "WhatsApp +6281234567890");
    memset(long_line, 'x', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    assert_true(strlen(pd_whatsapp_ticket_title(p, long_line, "+62812")) <= PD_WHATSAPP_TITLE_MAX + 3);
}

/* A unit's contact who is no user: the case's number, its purpose on one
 * line, the unit in Indonesian, the link; nothing without a number or a
 * link. */
static void test_contact_params(void **state)
{
    apr_pool_t *p = *state;
    const char *params[PD_WHATSAPP_PARAMS];

    assert_int_equal(pd_whatsapp_contact_params(p, "PD-2026-000042", "Konsultasi\naplikasi  perizinan",
                                                "Bidang Aplikasi", "https://desk.example.org/#/t/42",
                                                params), APR_SUCCESS);
    assert_string_equal(params[0], "PD-2026-000042");
    assert_string_equal(params[1], "Konsultasi aplikasi perizinan");
    assert_string_equal(params[2], "Kasus baru dari meja depan untuk Bidang Aplikasi. "
                                   "Mohon segera ditindaklanjuti.");
    assert_string_equal(params[3], "https://desk.example.org/#/t/42");
    assert_int_equal(pd_whatsapp_contact_params(p, "PD-2026-000042", NULL, NULL,
                                                "https://desk.example.org/#/t/42", params), APR_SUCCESS);
    assert_string_equal(params[1], "-");
    assert_string_equal(params[2], "Kasus baru dari meja depan untuk unit Anda. "
                                   "Mohon segera ditindaklanjuti.");
    assert_int_equal(pd_whatsapp_contact_params(p, NULL, "x", "y", "https://desk.example.org/", params),
                     APR_EINVAL);
    assert_int_equal(pd_whatsapp_contact_params(p, "PD-1", "x", "y", NULL, params), APR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contact_params, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
